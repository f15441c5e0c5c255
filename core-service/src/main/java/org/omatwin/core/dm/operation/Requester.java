package org.omatwin.core.dm.operation;

import java.util.Objects;

/**
 * Who asked for an operation: an external system's OAuth client (DMWSI), a job's execution (the job
 * is the requester; its client is the one the work is done for), or a DM account: a subscriber (the
 * SHOW of a one-time code that proves a registration, section 3; what they start at the portal's device
 * care, section 10). Operations are visible only to their
 * requester, and a {@code clientCorrelator} is unique per requester (section 4).
 *
 * @param client the external system the work is done for: the client itself, a job's client, or null
 *     for an account; its transaction log records the operation (6.1)
 */
public record Requester(Kind kind, String id, String client) {
    public enum Kind { CLIENT, JOB, ACCOUNT }

    public Requester {
        Objects.requireNonNull(kind);
        Objects.requireNonNull(id);
        if (kind == Kind.JOB) {
            Objects.requireNonNull(client, "a job's requester names the job's client");
        }
    }

    public static Requester client(String clientId) {
        return new Requester(Kind.CLIENT, clientId, clientId);
    }

    public static Requester job(String jobId, String clientId) {
        return new Requester(Kind.JOB, jobId, clientId);
    }

    public static Requester account(String subscriberId) {
        return new Requester(Kind.ACCOUNT, subscriberId, null);
    }
}
