package org.omatwin.core.twinning.support;

import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;

/** The refusal a call raises, failing the test when it raises none. */
public final class Refusals {
    private Refusals() {}

    public static ApiException refusal(ThrowingCallable call) {
        ApiException e = catchThrowableOfType(ApiException.class, call);
        if (e == null) {
            throw new AssertionError("expected a refusal, the call succeeded");
        }
        return e;
    }

    /** The refusal, checked to be {@code expected}. */
    public static ApiException refusal(ApiError expected, ThrowingCallable call) {
        ApiException e = refusal(call);
        if (e.error() != expected) {
            throw new AssertionError("expected " + expected + " (" + expected.messageId() + ") but was " + e.error()
                    + ": " + e.text());
        }
        return e;
    }
}
