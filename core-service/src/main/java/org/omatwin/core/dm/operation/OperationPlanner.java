package org.omatwin.core.dm.operation;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.omatwin.core.dm.command.CommandOp;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.error.ApiError;

/** Turns an operation into its commands (section 4, the "becomes" column). */
public final class OperationPlanner {

    /** The Device Profile (5.4): what {@code retrieve} without uris reads. */
    public static final List<String> DEVICE_PROFILE = List.of("./DevInfo", "./DevDetail", "./SCOMO/Inventory");

    /**
     * The package-based types (firmwareUpdate, softwareInstall, configure with a {@code packageId}): they
     * need the package store of section 8 (a Verified package of the requester, its targets checked;
     * a device outside them: {@link OperationRejected}).
     */
    public interface PackageCommands {
        void plan(Requester requester, OperationRequest request, Plan.Builder plan);
    }

    public static final PackageCommands NO_PACKAGES = (requester, request, plan) -> {
        throw ApiException.of(ApiError.INVALID_INPUT, request.type().wire() + " with a package is not available yet",
                "packageId");
    };

    private final PackageCommands packages;

    public OperationPlanner(PackageCommands packages) {
        this.packages = packages;
    }

    /** As {@link #plan(Requester, String, OperationRequest, Instant)} for a requester that names no package. */
    public Plan plan(String operationId, OperationRequest request, Instant now) {
        return plan(null, operationId, request, now);
    }

    /** @param requester whose packages the operation may name (null: none) */
    public Plan plan(Requester requester, String operationId, OperationRequest request, Instant now) {
        OperationArguments a = request.arguments();
        Plan.Builder plan = new Plan.Builder(operationId, request.devId(), now);
        switch (request.type()) {
            case RETRIEVE -> (a.uris() == null || a.uris().isEmpty() ? DEVICE_PROFILE : a.uris())
                    .forEach(uri -> plan.command(CommandOp.GET, node(uri, "uris"), null));
            case INVENTORY -> plan.command(CommandOp.GET, "./SCOMO/Inventory", null)
                    .command(CommandOp.GET, "./DevDetail", null);
            case CONFIGURE -> {
                if (a.packageId() != null) {
                    packages.plan(requester, request, plan);
                } else {
                    required(a.values(), "values").forEach(v -> plan.hget(node(v.uri(), "values.uri"),
                            mediaType(v.format()), content(required(v.value(), "values.value"), v.format())));
                }
            }
            case DELETE -> required(a.uris(), "uris").forEach(uri -> plan.command(CommandOp.DELETE,
                    node(uri, "uris"), null));
            case EXECUTE -> plan.exec(node(required(a.uri(), "uri"), "uri"), a.data());
            case FIRMWARE_UPDATE, SOFTWARE_INSTALL -> {
                required(a.packageId(), "packageId");
                packages.plan(requester, request, plan);
            }
            case SOFTWARE_REMOVE -> plan.exec("./SCOMO/Inventory/Deployed/"
                    + segment(required(a.componentId(), "componentId"), "componentId") + "/Operations/Remove", null);
            // DiagMon (2.4): a function instance is started and stopped by EXEC of <x>/Operations/Start|Stop;
            // the first report is uploaded at once (HPUT of the instance), the periodic ones to the
            // standing upload item.
            case DIAGNOSTICS_START -> {
                String function = node(required(a.function(), "function"), "function");
                if (a.periodSeconds() != null && a.periodSeconds() <= 0) {
                    throw ApiException.of(ApiError.INVALID_INPUT, "periodSeconds must be positive", "periodSeconds");
                }
                plan.execWithStandingUpload(function + "/Operations/Start",
                        a.periodSeconds() == null ? null : Integer.toString(a.periodSeconds()))
                        .upload(CommandOp.HPUT, function);
            }
            case DIAGNOSTICS_STOP -> plan.exec(node(required(a.function(), "function"), "function")
                    + "/Operations/Stop", null);
            case DIAGNOSTICS_RETRIEVE -> plan.command(CommandOp.GET, node(required(a.function(), "function"),
                    "function"), null);
            case SUBSCRIBE_NODE -> plan.command(CommandOp.SUB, node(required(a.uri(), "uri"), "uri"), null);
            case UNSUBSCRIBE_NODE -> plan.command(CommandOp.UNSUB, node(required(a.uri(), "uri"), "uri"), null);
            case COMMANDS -> planCommands(required(a.commands(), "commands"), plan);
        }
        Plan result = plan.build();
        if (result.commands().isEmpty()) {
            throw ApiException.of(ApiError.MISSING_ELEMENT, request.type().wire() + " needs at least one command", "commands");
        }
        return result;
    }

    /** Expert commands as given; every url is the server's to make (2.2), so a given one is refused. */
    private static void planCommands(List<CommandSpec> specs, Plan.Builder plan) {
        for (int i = 0; i < specs.size(); i++) {
            CommandSpec spec = specs.get(i);
            String name = "commands[" + i + "]";
            if (spec.url() != null) {
                throw ApiException.of(ApiError.UNKNOWN_ELEMENT, name + ".url is made by the server", name + ".url");
            }
            CommandOp op = op(required(spec.op(), name + ".op"), name + ".op");
            String uri = node(required(spec.uri(), name + ".uri"), name + ".uri");
            switch (op) {
                case GET, DELETE, SUB, UNSUB -> plan.command(op, uri, spec.data());
                case EXEC -> plan.exec(uri, spec.data());
                case HPUT, HPOST -> plan.upload(op, uri);
                default -> throw ApiException.of(ApiError.INVALID_INPUT,
                        op + " needs a server-made url or ends a session; use configure for HGET", name + ".op");
            }
        }
    }

    private static CommandOp op(String text, String variable) {
        try {
            return CommandOp.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiException.of(ApiError.INVALID_INPUT, "unknown command " + text, variable);
        }
    }

    private static <T> T required(T value, String variable) {
        if (value == null || value instanceof List<?> list && list.isEmpty()) {
            throw ApiException.of(ApiError.MISSING_ELEMENT, variable + " is missing", variable);
        }
        return value;
    }

    /** A node is addressed from the tree's root ("./"); ".." could escape an MO instance. */
    private static String node(String uri, String variable) {
        if (uri == null || !(uri.equals(".") || uri.startsWith("./")) || uri.contains("/../") || uri.endsWith("/..")
                || uri.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.of(ApiError.INVALID_INPUT, "a node uri starts with ./ and has no .. segment", variable);
        }
        return uri;
    }

    private static String segment(String text, String variable) {
        if (text.isEmpty() || text.contains("/") || text.equals("..") || text.equals(".")) {
            throw ApiException.of(ApiError.INVALID_INPUT, variable + " must be one node name", variable);
        }
        return text;
    }

    static String mediaType(String format) {
        String f = format == null ? "chr" : format.toLowerCase(Locale.ROOT);
        return switch (f) {
            case "b64", "bin" -> "application/octet-stream";
            case "xml" -> "application/xml";
            case "json" -> "application/json";
            default -> "text/plain; charset=utf-8";
        };
    }

    private static byte[] content(String value, String format) {
        if (format != null && format.equalsIgnoreCase("b64")) {
            try {
                return Base64.getDecoder().decode(value);
            } catch (IllegalArgumentException e) {
                throw ApiException.of(ApiError.INVALID_INPUT, "a b64 value is not base64", "values.value");
            }
        }
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
