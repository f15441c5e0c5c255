package org.omatwin.core.dm.operation;

import java.util.Objects;

/**
 * Who asked for an operation: an external system's OAuth client (DMWSI), later a job's execution, or a
 * DM account (the SHOW of a one-time code that proves a registration, section 3).
 * Operations are visible only to their requester, and a {@code clientCorrelator} is unique per
 * requester (section 4).
 */
public record Requester(Kind kind, String id) {
    public enum Kind { CLIENT, JOB, ACCOUNT }

    public Requester {
        Objects.requireNonNull(kind);
        Objects.requireNonNull(id);
    }

    public static Requester client(String clientId) {
        return new Requester(Kind.CLIENT, clientId);
    }

    public static Requester job(String jobId) {
        return new Requester(Kind.JOB, jobId);
    }

    public static Requester account(String subscriberId) {
        return new Requester(Kind.ACCOUNT, subscriberId);
    }
}
