package org.omatwin.core.dm.operation;

/** One entry of a {@code commands} operation as the caller gave it; {@code url} must be absent. */
public record CommandSpec(String op, String uri, String data, String url) {}
