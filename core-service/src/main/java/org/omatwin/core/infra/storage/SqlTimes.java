package org.omatwin.core.infra.storage;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Instants to and from PostgreSQL's {@code timestamp with time zone} (jOOQ maps it to OffsetDateTime), in UTC. */
public final class SqlTimes {
    private SqlTimes() {}

    public static OffsetDateTime odt(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    public static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
