package org.omatwin.core.error;

/**
 * The contract's error table (twinning-api.md section 4): message id and HTTP status. The gRPC code
 * follows from the HTTP status by the standard mapping, so Envoy and the embedded transcoder give the
 * same HTTP status.
 */
public enum OmaError {
    SVC0001("SVC0001", 503),
    SVC0002("SVC0002", 400),
    SVC0004("SVC0004", 404),
    SVC1014("SVC1014", 400),
    SVC2003("SVC2003", 401),
    SVC2004("SVC2004", 400),
    SVC2005("SVC2005", 400),
    SVC2006("SVC2006", 400),
    SVC2007("SVC2007", 409),
    SVC2008("SVC2008", 404),
    /** An unexpected failure inside the service: logged in full, shown to the caller as SVC0001. */
    INTERNAL("SVC0001", 500),
    /** A body over the documented size limit. */
    TOO_LARGE("SVC0002", 413),
    /** A body that is not application/json. */
    UNSUPPORTED_MEDIA_TYPE("SVC0002", 415),
    /** A method not supported on a listed resource (sent with an Allow header). */
    METHOD_NOT_ALLOWED("SVC0002", 405),
    /** A policy limit not covered by a more specific id (e.g. subscriptions per device). */
    POL0001("POL0001", 403),
    POL1037("POL1037", 403),
    POL1038("POL1038", 403),
    POL2000("POL2000", 403),
    POL2003("POL2003", 403),
    POL2005("POL2005", 429),
    POL2008("POL2008", 403);

    private final String messageId;
    private final int httpStatus;

    OmaError(String messageId, int httpStatus) {
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
