package org.omatwin.core.infra.storage;

import java.nio.file.Path;

/**
 * Where the core's PostgreSQL is: the operator's ({@code url} set) or an embedded one whose data lives
 * under {@code dataDir}. Never printed with its password.
 */
public record DatabaseSettings(String url, String user, String password, int poolSize, Path dataDir) {
    /** Whether the core runs its own PostgreSQL (no URL given). */
    public boolean embedded() {
        return url == null || url.isBlank();
    }

    @Override
    public String toString() {
        return embedded() ? "embedded in " + dataDir : url;
    }
}
