package org.omatwin.core.dm.alert;

/** An alert's {@code mark} (2.2). */
public enum AlertMark { INFORMATIONAL, CRITICAL }
