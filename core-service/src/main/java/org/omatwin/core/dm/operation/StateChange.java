package org.omatwin.core.dm.operation;

import java.time.Instant;

/** One entry of an operation's {@code timeline}. */
public record StateChange(OperationState state, Instant time) {}
