package org.omatwin.core.error;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A refusal in the contract's terms. Raised by the domain and the edges, rendered once per transport
 * (gRPC status with details; REST requestError). Carries no stack trace to the caller.
 */
public final class ApiException extends RuntimeException {
    private final OmaError error;
    private final List<String> variables;
    private final Duration retryAfter;

    private ApiException(OmaError error, String text, List<String> variables, Duration retryAfter) {
        super(text, null, false, false);
        this.error = Objects.requireNonNull(error);
        this.variables = List.copyOf(variables);
        this.retryAfter = retryAfter;
    }

    public static ApiException of(OmaError error, String text, String... variables) {
        return new ApiException(error, text, List.of(variables), null);
    }

    public static ApiException rateLimited(String text, Duration retryAfter, String... variables) {
        return new ApiException(OmaError.POL2005, text, List.of(variables), retryAfter);
    }

    public OmaError error() {
        return error;
    }

    /** Human text; never contains secrets, SQL or stack traces. */
    public String text() {
        return getMessage();
    }

    public List<String> variables() {
        return variables;
    }

    /** For POL2005: how long the caller should wait; null otherwise. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
