package org.omatwin.core.dm.operation;

import java.util.List;

/**
 * The type-specific arguments of section 4's table, as given (absent ones null). One record rather
 * than a class per type so that "the same body" of a clientCorrelator retry is plain equality.
 */
public record OperationArguments(List<String> uris, List<ConfigValue> values, String packageId, String uri,
        String data, String componentId, String function, Integer periodSeconds, List<CommandSpec> commands) {

    public static final OperationArguments NONE = new OperationArguments(null, null, null, null, null, null, null,
            null, null);

    public OperationArguments {
        uris = uris == null ? null : List.copyOf(uris);
        values = values == null ? null : List.copyOf(values);
        commands = commands == null ? null : List.copyOf(commands);
    }

    public static OperationArguments uris(List<String> uris) {
        return new OperationArguments(uris, null, null, null, null, null, null, null, null);
    }

    public static OperationArguments values(List<ConfigValue> values) {
        return new OperationArguments(null, values, null, null, null, null, null, null, null);
    }

    public static OperationArguments uri(String uri, String data) {
        return new OperationArguments(null, null, null, uri, data, null, null, null, null);
    }

    public static OperationArguments commands(List<CommandSpec> commands) {
        return new OperationArguments(null, null, null, null, null, null, null, null, commands);
    }

    public static OperationArguments diagnostics(String function, Integer periodSeconds) {
        return new OperationArguments(null, null, null, null, null, null, function, periodSeconds, null);
    }
}
