package org.omatwin.core.dm.dmwsi;

import org.omatwin.core.dm.operation.Operation;

/** The answer to an operation request: {@code created} false when a clientCorrelator retry found it (200, not 201). */
public record Accepted(Operation operation, boolean created) {}
