package org.omatwin.core.error;

/**
 * The contract's error table (twinning-api.md section 4): message id, HTTP status and whether it is a
 * policy or a service exception. The gRPC code follows from the HTTP status by the standard mapping, so
 * Envoy and the embedded transcoder give the same HTTP status.
 */
public enum OmaError {
    SVC0001(503, false, "A service error occurred: %1"),
    SVC0002(400, false, "Invalid input value for message part %1"),
    SVC0004(404, false, "No valid addresses provided in message part %1"),
    SVC1014(400, false, "Role missing or not supported: %1"),
    SVC2003(401, false, "Authentication failed: %1"),
    SVC2004(400, false, "Invalid input value for message part %1: %2"),
    SVC2005(400, false, "Unknown element in request: %1"),
    SVC2006(400, false, "Mandatory element missing: %1"),
    SVC2007(409, false, "Concurrent modification, retry: %1"),
    SVC2008(404, false, "Resource not found: %1"),
    /** Not in the OMA table: a body over the documented size limit (HTTP 413 with a requestError body). */
    SVC0005(413, false, "Request too large: %1"),
    POL1037(403, true, "A %1 device cannot take the %2 role"),
    POL1038(403, true, "The caller may not change element %1"),
    POL2000(403, true, "The device cannot be twinned: %1"),
    POL2003(403, true, "Not authorized: %1"),
    POL2005(429, true, "Too many requests: %1"),
    POL2008(403, true, "Too many twinned devices: the limit is %1"),
    /** Method not supported on a listed resource (HTTP 405 with an Allow header). */
    POL0005(405, true, "Method not allowed: %1");

    private final int httpStatus;
    private final boolean policy;
    private final String template;

    OmaError(int httpStatus, boolean policy, String template) {
        this.httpStatus = httpStatus;
        this.policy = policy;
        this.template = template;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public boolean isPolicy() {
        return policy;
    }

    /** The OMA text pattern with %1, %2 placeholders for the variables. */
    public String template() {
        return template;
    }
}
