package org.omatwin.core.infra.error;

/**
 * The contract's refusals, named by meaning, each with its OMA message id and HTTP status
 * (twinning-api.md section 4, dm-api.md section 9). The gRPC code follows from the HTTP status by the
 * standard mapping ({@code ApiErrors}), so Envoy and the embedded transcoder give the same HTTP status.
 */
public enum ApiError {
    /** The service cannot answer now (database or partner MNO unreachable): retry later. */
    UNAVAILABLE("SVC0001", 503),
    /** Malformed JSON, a bad value, a wrong activation code: the text and variable say which. */
    INVALID_INPUT("SVC0002", 400),
    /** An address that names no device we know. */
    UNKNOWN_ADDRESS("SVC0004", 404),
    /** {@code role} missing or not Primary/Secondary. */
    INVALID_ROLE("SVC1014", 400),
    /** No valid bearer token (sent with a WWW-Authenticate challenge). */
    UNAUTHENTICATED("SVC2003", 401),
    /** An element or query parameter the contract does not define. */
    UNKNOWN_ELEMENT("SVC2005", 400),
    /** A mandatory element is missing. */
    MISSING_ELEMENT("SVC2006", 400),
    /** A concurrent change won, or the request contradicts what was already done. */
    CONFLICT("SVC2007", 409),
    /** No such resource for this caller (another's resources look the same). */
    NOT_FOUND("SVC2008", 404),
    /** An unexpected failure inside the service: logged in full, shown to the caller as SVC0001. */
    INTERNAL("SVC0001", 500),
    /** A body over the documented size limit. */
    TOO_LARGE("SVC0002", 413),
    /** A body that is not of the media type the resource takes. */
    UNSUPPORTED_MEDIA_TYPE("SVC0002", 415),
    /** A method not supported on a listed resource (sent with an Allow header). */
    METHOD_NOT_ALLOWED("SVC0002", 405),
    /** A policy limit not covered by a more specific id (e.g. subscriptions per device). */
    POLICY_LIMIT("POL0001", 403),
    /** A primary acting as a secondary or the reverse. */
    WRONG_ROLE("POL1037", 403),
    /** A full replace that changes what the caller may not change. */
    NOT_CHANGEABLE("POL1038", 403),
    /** The secondary is already twinned. */
    ALREADY_TWINNED("POL2000", 403),
    /** The token lacks the scope, or the caller acts for another device or node. */
    NOT_PERMITTED("POL2003", 403),
    /** Too many requests or wrong codes (sent with Retry-After). */
    RATE_LIMITED("POL2005", 429),
    /** The primary has its maximum number of secondaries. */
    TOO_MANY_SECONDARIES("POL2008", 403);

    private final String messageId;
    private final int httpStatus;

    ApiError(String messageId, int httpStatus) {
        this.messageId = messageId;
        this.httpStatus = httpStatus;
    }

    /** The OMA messageId; "POL..." ids are policy exceptions, "SVC..." service exceptions. */
    public String messageId() {
        return messageId;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public boolean isPolicy() {
        return messageId.startsWith("POL");
    }
}
