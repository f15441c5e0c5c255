package org.omatwin.core.dm.device;

import java.time.Instant;

/** One node of the device's last known tree (OES8): a value a GET reported, with when it was reported. */
public record NodeValue(String uri, String format, String value, Instant time) {}
