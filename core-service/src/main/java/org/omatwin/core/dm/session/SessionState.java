package org.omatwin.core.dm.session;

/** A device has at most one PENDING and at most one STARTED session (2.1). */
public enum SessionState { PENDING, STARTED, ENDED }
