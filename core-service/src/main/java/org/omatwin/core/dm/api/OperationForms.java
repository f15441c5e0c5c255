package org.omatwin.core.dm.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.network.NetworkParameters;
import org.omatwin.core.dm.operation.CommandSpec;
import org.omatwin.core.dm.operation.ConfigValue;
import org.omatwin.core.dm.operation.OperationArguments;
import org.omatwin.core.dm.operation.OperationRequest;
import org.omatwin.core.dm.operation.OperationType;
import org.omatwin.core.dm.operation.SessionMode;
import org.omatwin.core.dm.operation.UiMode;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.proto.dmwsi.v1.CallbackReference;
import org.omatwin.proto.dmwsi.v1.Operation;

/**
 * Reads an operation element (section 4) into a request: the one reading of POST /operations and of
 * a job's operation (section 5), so both refuse the same faults with the same words.
 */
final class OperationForms {
    /** The argument elements each type takes (section 4's table); any other one given is refused. */
    private static final Map<OperationType, Set<String>> ARGUMENTS = Map.ofEntries(
            Map.entry(OperationType.RETRIEVE, Set.of("uris")),
            Map.entry(OperationType.INVENTORY, Set.of()),
            Map.entry(OperationType.CONFIGURE, Set.of("values", "packageId", "networkParameter")),
            Map.entry(OperationType.DELETE, Set.of("uris")),
            Map.entry(OperationType.EXECUTE, Set.of("uri", "data")),
            Map.entry(OperationType.FIRMWARE_UPDATE, Set.of("packageId")),
            Map.entry(OperationType.SOFTWARE_INSTALL, Set.of("packageId")),
            Map.entry(OperationType.SOFTWARE_REMOVE, Set.of("componentId")),
            Map.entry(OperationType.DIAGNOSTICS_START, Set.of("function", "periodSeconds")),
            Map.entry(OperationType.DIAGNOSTICS_STOP, Set.of("function")),
            Map.entry(OperationType.DIAGNOSTICS_RETRIEVE, Set.of("function")),
            Map.entry(OperationType.SUBSCRIBE_NODE, Set.of("uri")),
            Map.entry(OperationType.UNSUBSCRIBE_NODE, Set.of("uri")),
            Map.entry(OperationType.COMMANDS, Set.of("commands")));

    private final NetworkParameters networkParameters;

    OperationForms(NetworkParameters networkParameters) {
        this.networkParameters = networkParameters;
    }

    /**
     * The request an operation element describes, for {@code devId}; with a null devId the operation
     * is only checked (a deviceRef missing is the last fault named).
     */
    OperationRequest request(Operation op, DevId devId) {
        for (var server : new Object[][] {{"operationId", op.hasOperationId()}, {"state", op.hasState()},
                {"statusCode", op.hasStatusCode()}, {"resultCode", op.hasResultCode()},
                {"resultText", op.hasResultText()}, {"results", op.getResultsCount() > 0},
                {"timeline", op.getTimelineCount() > 0}, {"resourceURL", op.hasResourceUrl()}}) {
            if ((Boolean) server[1]) {
                throw ApiException.of(ApiError.INVALID_INPUT, "operation." + server[0] + " is set by the server",
                        "operation." + server[0]);
            }
        }
        if (!op.hasType()) {
            throw ApiException.of(ApiError.MISSING_ELEMENT, "operation.type is missing", "operation.type");
        }
        OperationType type;
        try {
            type = OperationType.fromWire(op.getType());
        } catch (ApiException e) {
            throw ApiException.of(ApiError.INVALID_INPUT, "unknown operation type " + op.getType(), "operation.type");
        }
        if (type == OperationType.CONFIGURE && op.hasPackageId() && (op.getValuesCount() > 0
                || op.hasNetworkParameter())) {
            throw ApiException.of(ApiError.INVALID_INPUT, "configure takes values or a packageId, not both",
                    "operation.packageId");
        }
        Map<String, Boolean> given = Map.of("uris", op.getUrisCount() > 0, "values", op.getValuesCount() > 0,
                "packageId", op.hasPackageId(), "uri", op.hasUri(), "data", op.hasData(),
                "componentId", op.hasComponentId(), "function", op.hasFunction(),
                "periodSeconds", op.hasPeriodSeconds(), "commands", op.getCommandsCount() > 0,
                "networkParameter", op.hasNetworkParameter());
        List<String> foreign = new ArrayList<>();
        given.forEach((name, present) -> {
            if (present && !ARGUMENTS.get(type).contains(name)) {
                foreign.add(name);
            }
        });
        if (!foreign.isEmpty()) {
            String name = foreign.stream().sorted().findFirst().orElseThrow();
            throw ApiException.of(ApiError.INVALID_INPUT, "operation." + name + " does not apply to " + type.wire(),
                    "operation." + name);
        }
        if (devId == null) {
            throw ApiException.of(ApiError.MISSING_ELEMENT, "operation.deviceRef is missing", "operation.deviceRef");
        }
        SessionMode mode = new SessionMode(op.hasUiMode() ? UiMode.fromWire(op.getUiMode()) : UiMode.BACKGROUND,
                op.hasCustomerCare() && op.getCustomerCare());
        org.omatwin.core.infra.outbox.CallbackReference callback = op.hasCallbackReference()
                ? callbackReference(op.getCallbackReference(), "operation.callbackReference") : null;
        List<ConfigValue> values = op.hasNetworkParameter() ? networkParameterValues(op)
                : op.getValuesCount() == 0 ? null : op.getValuesList().stream()
                .map(v -> new ConfigValue(v.hasUri() ? v.getUri() : null, v.hasValue() ? v.getValue() : null,
                        v.hasFormat() ? v.getFormat() : null)).toList();
        List<CommandSpec> commands = op.getCommandsCount() == 0 ? null : op.getCommandsList().stream()
                .map(c -> new CommandSpec(c.hasOp() ? c.getOp() : null, c.hasUri() ? c.getUri() : null,
                        c.hasData() ? c.getData() : null, null)).toList();
        OperationArguments arguments = new OperationArguments(op.getUrisList().isEmpty() ? null : op.getUrisList(),
                values, op.hasPackageId() ? op.getPackageId() : null, op.hasUri() ? op.getUri() : null,
                op.hasData() ? op.getData() : null, op.hasComponentId() ? op.getComponentId() : null,
                op.hasFunction() ? op.getFunction() : null, op.hasPeriodSeconds() ? op.getPeriodSeconds() : null,
                commands);
        return new OperationRequest(type, arguments, devId, mode,
                callback == null ? null : callback.notifyUrl().toString(), callback == null ? null : callback.callbackData(),
                op.hasClientCorrelator() ? op.getClientCorrelator() : null,
                op.hasTimeoutSeconds() ? op.getTimeoutSeconds() : null);
    }

    /** ES8: configure with a network parameter delivers its values, as if the request had given them. */
    private List<ConfigValue> networkParameterValues(Operation op) {
        if (op.getValuesCount() > 0) {
            throw ApiException.of(ApiError.INVALID_INPUT, "operation.values and operation.networkParameter "
                    + "exclude each other: a configure sets one network parameter or the values given",
                    "operation.networkParameter");
        }
        return networkParameters.find(op.getNetworkParameter()).map(p -> p.configValues())
                .orElseThrow(() -> ApiException.of(ApiError.INVALID_INPUT, "operation.networkParameter names "
                        + "none of the operator's network parameters (GET /dmwsi/v1/network-parameters)",
                        "operation.networkParameter"));
    }

    /** The form of a callbackReference (whether its address may be called is the use case's check). */
    static org.omatwin.core.infra.outbox.CallbackReference callbackReference(CallbackReference cb, String element) {
        return org.omatwin.core.infra.outbox.CallbackReference.of(cb.hasNotifyUrl() ? cb.getNotifyUrl() : null,
                cb.hasCallbackData() ? cb.getCallbackData() : null, element);
    }

}
