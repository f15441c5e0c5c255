package org.omatwin.core.infra.error;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A refusal in the contract's terms. Raised by the domain and the edges, rendered once per transport
 * (gRPC status with details; REST requestError). Carries no stack trace to the caller.
 */
public final class ApiException extends RuntimeException {
    private final ApiError error;
    private final List<String> variables;
    private final Duration retryAfter;
    private final String challenge;

    private ApiException(ApiError error, String text, List<String> variables, Duration retryAfter,
            String challenge) {
        super(text, null, false, false);
        this.error = Objects.requireNonNull(error);
        this.variables = List.copyOf(variables);
        this.retryAfter = retryAfter;
        this.challenge = challenge;
    }

    public static ApiException of(ApiError error, String text, String... variables) {
        return new ApiException(error, text, List.of(variables), null, null);
    }

    /** 503 SVC0001 with Retry-After: the service cannot answer now (its database is busy or away). */
    public static ApiException unavailable(String text, Duration retryAfter, String... variables) {
        return new ApiException(ApiError.UNAVAILABLE, text, List.of(variables), retryAfter, null);
    }

    public static ApiException rateLimited(String text, Duration retryAfter, String... variables) {
        return new ApiException(ApiError.RATE_LIMITED, text, List.of(variables), retryAfter, null);
    }

    /**
     * A refused bearer token (RFC 6750): 401 SVC2003 or 403 POL2003 with the WWW-Authenticate
     * challenge to send, e.g. {@code Bearer error="invalid_token"}.
     */
    public static ApiException bearer(ApiError error, String text, String challenge, String... variables) {
        return new ApiException(error, text, List.of(variables), null, challenge);
    }

    /** The WWW-Authenticate value for 401/403 from bearer-token checks; null otherwise. */
    public String challenge() {
        return challenge;
    }

    public ApiError error() {
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
