package org.omatwin.portal.core;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How times and statuses read on the page. */
public final class Formats {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm 'UTC'", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private Formats() {}

    public static String when(Instant at) {
        return at == null ? "unknown" : WHEN.format(at);
    }
}
