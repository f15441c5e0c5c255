package org.omatwin.core.dm.command;

/** One value in a status's {@code results} (a node a GET returned). */
public record ResultItem(String uri, String format, String value) {}
