package org.omatwin.core.dm.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.jooq.JSON;
import org.omatwin.core.dm.command.CommandStatus;
import org.omatwin.core.dm.command.ResultItem;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.job.JobOperation;
import org.omatwin.core.dm.job.JobRequest;
import org.omatwin.core.dm.job.ResultsMode;
import org.omatwin.core.dm.job.Targets;
import org.omatwin.core.dm.operation.CommandSpec;
import org.omatwin.core.dm.operation.ConfigValue;
import org.omatwin.core.dm.operation.OperationArguments;
import org.omatwin.core.dm.operation.OperationRequest;
import org.omatwin.core.dm.operation.OperationState;
import org.omatwin.core.dm.operation.OperationType;
import org.omatwin.core.dm.operation.SessionMode;
import org.omatwin.core.dm.operation.StateChange;
import org.omatwin.core.dm.operation.UiMode;

/**
 * The JSONB documents of the DM tables, written and read field by field (no reflection), so that what
 * is read back equals what was written: an absent value stays null, an empty list stays empty, and
 * times keep their full precision (ISO-8601 text). Storage format only; never shown to a caller.
 */
final class DmJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private DmJson() {}

    // operation request

    static JSON request(OperationRequest r) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("type", r.type().wire());
        o.put("devId", r.devId().value());
        o.put("uiMode", r.mode().uiMode().name());
        o.put("customerCare", r.mode().customerCare());
        putText(o, "notifyUrl", r.notifyUrl());
        putText(o, "callbackData", r.callbackData());
        putText(o, "clientCorrelator", r.clientCorrelator());
        if (r.timeoutSeconds() != null) {
            o.put("timeoutSeconds", r.timeoutSeconds());
        }
        putArguments(o.putObject("arguments"), r.arguments());
        return json(o);
    }

    static OperationRequest request(JSON json) {
        JsonNode o = parse(json);
        OperationArguments arguments = arguments(o.path("arguments"));
        return new OperationRequest(OperationType.fromWire(text(o, "type")), arguments, DevId.of(text(o, "devId")),
                new SessionMode(UiMode.valueOf(text(o, "uiMode")), o.path("customerCare").asBoolean()),
                text(o, "notifyUrl"), text(o, "callbackData"), text(o, "clientCorrelator"),
                integer(o, "timeoutSeconds"));
    }

    private static void putArguments(ObjectNode args, OperationArguments a) {
        putList(args, "uris", a.uris(), (n, s) -> n.add(s));
        putList(args, "values", a.values(), (n, v) -> {
            ObjectNode e = n.addObject();
            putText(e, "uri", v.uri());
            putText(e, "value", v.value());
            putText(e, "format", v.format());
        });
        putText(args, "packageId", a.packageId());
        putText(args, "uri", a.uri());
        putText(args, "data", a.data());
        putText(args, "componentId", a.componentId());
        putText(args, "function", a.function());
        if (a.periodSeconds() != null) {
            args.put("periodSeconds", a.periodSeconds());
        }
        putList(args, "commands", a.commands(), (n, c) -> {
            ObjectNode e = n.addObject();
            putText(e, "op", c.op());
            putText(e, "uri", c.uri());
            putText(e, "data", c.data());
            putText(e, "url", c.url());
        });
    }

    private static OperationArguments arguments(JsonNode a) {
        return new OperationArguments(
                list(a, "uris", JsonNode::asText),
                list(a, "values", v -> new ConfigValue(text(v, "uri"), text(v, "value"), text(v, "format"))),
                text(a, "packageId"), text(a, "uri"), text(a, "data"), text(a, "componentId"), text(a, "function"),
                integer(a, "periodSeconds"),
                list(a, "commands", c -> new CommandSpec(text(c, "op"), text(c, "uri"), text(c, "data"),
                        text(c, "url"))));
    }

    // job request (its target list is kept apart: read in slices as the job is expanded)

    static JSON job(JobRequest r) {
        ObjectNode o = MAPPER.createObjectNode();
        ObjectNode op = o.putObject("operation");
        op.put("type", r.operation().type().wire());
        op.put("uiMode", r.operation().mode().uiMode().name());
        op.put("customerCare", r.operation().mode().customerCare());
        putArguments(op.putObject("arguments"), r.operation().arguments());
        switch (r.targets()) {
            case Targets.Devices d -> o.put("targets", "devices");
            case Targets.Users u -> o.put("targets", "users");
            case Targets.Filter f -> {
                o.put("targets", "filter");
                o.put("filter", f.text());
            }
        }
        putText(o, "startTime", r.startTime() == null ? null : r.startTime().toString());
        putText(o, "endTime", r.endTime() == null ? null : r.endTime().toString());
        putInt(o, "maxPerMinute", r.maxPerMinute());
        putInt(o, "failureThresholdPercent", r.failureThresholdPercent());
        putInt(o, "minExecuted", r.minExecuted());
        putInt(o, "timeoutSeconds", r.timeoutSeconds());
        o.put("mode", r.mode().wire());
        putText(o, "notifyUrl", r.notifyUrl());
        putText(o, "callbackData", r.callbackData());
        putText(o, "clientCorrelator", r.clientCorrelator());
        return json(o);
    }

    /** @param entries the target list (empty when read for work) */
    static JobRequest job(JSON json, List<String> entries) {
        JsonNode o = parse(json);
        JsonNode op = o.path("operation");
        JobOperation operation = new JobOperation(OperationType.fromWire(text(op, "type")),
                arguments(op.path("arguments")), new SessionMode(UiMode.valueOf(text(op, "uiMode")),
                        op.path("customerCare").asBoolean()));
        Targets targets = switch (text(o, "targets")) {
            case "devices" -> new Targets.Devices(entries);
            case "users" -> new Targets.Users(entries);
            default -> new Targets.Filter(text(o, "filter"));
        };
        return new JobRequest(operation, targets, time(o, "startTime"), time(o, "endTime"), integer(o, "maxPerMinute"),
                integer(o, "failureThresholdPercent"), integer(o, "minExecuted"), integer(o, "timeoutSeconds"),
                ResultsMode.fromWire(text(o, "mode")), text(o, "notifyUrl"), text(o, "callbackData"),
                text(o, "clientCorrelator"));
    }

    private static void putInt(ObjectNode o, String name, Integer value) {
        if (value != null) {
            o.put(name, value);
        }
    }

    private static Instant time(JsonNode o, String name) {
        String text = text(o, name);
        return text == null ? null : Instant.parse(text);
    }

    // timeline, results, statuses, id lists

    static JSON timeline(List<StateChange> timeline) {
        ArrayNode n = MAPPER.createArrayNode();
        timeline.forEach(c -> n.addObject().put("state", c.state().name()).put("time", c.time().toString()));
        return json(n);
    }

    static List<StateChange> timeline(JSON json) {
        return elements(parse(json),
                c -> new StateChange(OperationState.valueOf(text(c, "state")), Instant.parse(text(c, "time"))));
    }

    static JSON results(List<ResultItem> results) {
        ArrayNode n = MAPPER.createArrayNode();
        results.forEach(r -> addResult(n, r));
        return json(n);
    }

    static List<ResultItem> results(JSON json) {
        return elements(parse(json), DmJson::result);
    }

    static JSON status(CommandStatus status) {
        return status == null ? null : json(statusNode(MAPPER.createObjectNode(), status));
    }

    static CommandStatus status(JSON json) {
        return json == null ? null : status(parse(json));
    }

    static JSON statuses(List<CommandStatus> statuses) {
        if (statuses == null) {
            return null;
        }
        ArrayNode n = MAPPER.createArrayNode();
        statuses.forEach(s -> statusNode(n.addObject(), s));
        return json(n);
    }

    static List<CommandStatus> statuses(JSON json) {
        return json == null ? null : elements(parse(json), DmJson::status);
    }

    static JSON strings(List<String> values) {
        ArrayNode n = MAPPER.createArrayNode();
        values.forEach(n::add);
        return json(n);
    }

    static List<String> strings(JSON json) {
        return elements(parse(json), JsonNode::asText);
    }

    private static ObjectNode statusNode(ObjectNode o, CommandStatus s) {
        putText(o, "cmdId", s.cmdId());
        o.put("sc", s.sc());
        ArrayNode results = o.putArray("results");
        s.results().forEach(r -> addResult(results, r));
        return o;
    }

    private static CommandStatus status(JsonNode o) {
        return new CommandStatus(text(o, "cmdId"), o.path("sc").asInt(), elements(o.path("results"), DmJson::result));
    }

    private static void addResult(ArrayNode n, ResultItem r) {
        ObjectNode e = n.addObject();
        putText(e, "uri", r.uri());
        putText(e, "format", r.format());
        putText(e, "value", r.value());
    }

    private static ResultItem result(JsonNode e) {
        return new ResultItem(text(e, "uri"), text(e, "format"), text(e, "value"));
    }

    // helpers

    private static void putText(ObjectNode o, String name, String value) {
        if (value != null) {
            o.put(name, value);
        }
    }

    private static <T> void putList(ObjectNode o, String name, List<T> values, BiConsumer<ArrayNode, T> add) {
        if (values != null) {
            ArrayNode n = o.putArray(name);
            values.forEach(v -> add.accept(n, v));
        }
    }

    private static String text(JsonNode o, String name) {
        JsonNode v = o.get(name);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Integer integer(JsonNode o, String name) {
        JsonNode v = o.get(name);
        return v == null || v.isNull() ? null : v.asInt();
    }

    private static <T> List<T> list(JsonNode o, String name, Function<JsonNode, T> read) {
        JsonNode v = o.get(name);
        return v == null || v.isNull() ? null : elements(v, read);
    }

    private static <T> List<T> elements(JsonNode array, Function<JsonNode, T> read) {
        List<T> out = new ArrayList<>();
        array.forEach(e -> out.add(read.apply(e)));
        return out;
    }

    private static JSON json(JsonNode node) {
        try {
            return JSON.valueOf(MAPPER.writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode parse(JSON json) {
        try {
            return MAPPER.readTree(json.data());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable DM document", e);
        }
    }
}
