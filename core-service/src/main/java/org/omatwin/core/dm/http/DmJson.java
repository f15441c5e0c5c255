package org.omatwin.core.dm.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.omatwin.core.dm.account.AccountDevice;
import org.omatwin.core.dm.alert.Alert;
import org.omatwin.core.dm.alert.AlertMark;
import org.omatwin.core.dm.command.Command;
import org.omatwin.core.dm.command.CommandOp;
import org.omatwin.core.dm.command.CommandStatus;
import org.omatwin.core.dm.command.ResultItem;
import org.omatwin.core.dm.device.DevDetail;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.device.DevInfo;
import org.omatwin.core.dm.device.DeviceProfile;
import org.omatwin.core.dm.session.PackageView;
import org.omatwin.core.dm.session.Session;
import org.omatwin.core.dm.session.SessionReport;
import org.omatwin.core.dm.session.SessionStart;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;

/**
 * The JSON of the device surface (dm-api.md 2.2), read strictly: one root element, every element
 * known (SVC2005 naming it), of the right type (SVC0002 naming it), mandatory ones present (SVC2006).
 * Written compactly, repeatable elements always as arrays.
 */
final class DmJson {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private DmJson() {}

    // ---- reading ----

    /** The object under the single root element {@code root}; an empty body is {@code null}. */
    static JsonNode root(byte[] body, String root, boolean optional) {
        if (body.length == 0) {
            if (optional) {
                return null;
            }
            throw ApiException.of(ApiError.MISSING_ELEMENT, "the request body is missing", "body");
        }
        JsonNode tree;
        try {
            tree = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.of(ApiError.INVALID_INPUT, "the request body is not valid JSON (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")", "body");
        } catch (java.io.IOException e) {
            throw ApiException.of(ApiError.INVALID_INPUT, "the request body could not be read", "body");
        }
        if (tree == null || !tree.isObject()) {
            throw ApiException.of(ApiError.INVALID_INPUT, "the request body must be a JSON object", "body");
        }
        allowOnly(tree, "", root);
        JsonNode inner = tree.get(root);
        if (inner == null) {
            throw ApiException.of(ApiError.MISSING_ELEMENT, "the " + root + " element is missing", root);
        }
        return object(inner, root);
    }

    static SessionStart sessionStart(byte[] body) {
        JsonNode s = root(body, "sessionStart", true);
        if (s == null) {
            return SessionStart.EMPTY;
        }
        allowOnly(s, "sessionStart.", "devInfo", "devDetail", "supportedMOs");
        DevId devId = null;
        DevInfo info = null;
        if (s.has("devInfo")) {
            JsonNode i = object(s.get("devInfo"), "sessionStart.devInfo");
            String p = "sessionStart.devInfo.";
            allowOnly(i, p, "devId", "man", "mod", "dmV", "lang");
            String id = text(i, "devId", p);
            devId = id == null ? null : DevId.of(id);
            info = new DevInfo(text(i, "man", p), text(i, "mod", p), text(i, "dmV", p), text(i, "lang", p));
        }
        DevDetail detail = null;
        if (s.has("devDetail")) {
            JsonNode d = object(s.get("devDetail"), "sessionStart.devDetail");
            String p = "sessionStart.devDetail.";
            allowOnly(d, p, "devTyp", "oem", "fwV", "swV", "hwV");
            detail = new DevDetail(text(d, "devTyp", p), text(d, "oem", p), text(d, "fwV", p), text(d, "swV", p),
                    text(d, "hwV", p));
        }
        return new SessionStart(devId, info, detail, texts(s, "supportedMOs", "sessionStart."));
    }

    static SessionReport sessionReport(byte[] body) {
        JsonNode r = root(body, "sessionReport", false);
        allowOnly(r, "sessionReport.", "status");
        List<CommandStatus> statuses = new ArrayList<>();
        for (JsonNode st : array(r, "status", "sessionReport.")) {
            String p = "sessionReport.status[].";
            object(st, "sessionReport.status[]");
            allowOnly(st, p, "cmdId", "sc", "results");
            String cmdId = required(text(st, "cmdId", p), p + "cmdId");
            Integer sc = required(integer(st, "sc", p), p + "sc");
            List<ResultItem> results = new ArrayList<>();
            for (JsonNode item : array(st, "results", p)) {
                String q = p + "results[].";
                object(item, p + "results[]");
                allowOnly(item, q, "uri", "format", "value");
                results.add(new ResultItem(required(text(item, "uri", q), q + "uri"), text(item, "format", q),
                        text(item, "value", q)));
            }
            statuses.add(new CommandStatus(cmdId, sc, results));
        }
        return new SessionReport(statuses);
    }

    static Alert alert(byte[] body) {
        JsonNode a = root(body, "alert", false);
        String p = "alert.";
        allowOnly(a, p, "alertId", "type", "uri", "correlator", "resultCode", "mark", "data", "eventTime");
        String mark = text(a, "mark", p);
        AlertMark alertMark = null;
        if (mark != null) {
            alertMark = switch (mark) {
                case "informational" -> AlertMark.INFORMATIONAL;
                case "critical" -> AlertMark.CRITICAL;
                default -> throw ApiException.of(ApiError.INVALID_INPUT, "alert.mark must be informational or critical",
                        "alert.mark");
            };
        }
        JsonNode data = a.get("data");
        if (data != null && !data.isNull() && !data.isObject()) {
            throw wrongType("alert.data", "an object");
        }
        String eventTime = text(a, "eventTime", p);
        Instant time = null;
        if (eventTime != null) {
            try {
                time = Instant.parse(eventTime);
            } catch (DateTimeParseException e) {
                throw wrongType("alert.eventTime", "an RFC 3339 UTC time");
            }
        }
        return new Alert(text(a, "alertId", p), required(text(a, "type", p), "alert.type"), text(a, "uri", p),
                text(a, "correlator", p), integer(a, "resultCode", p), alertMark,
                data == null || data.isNull() ? null : data.toString(), time);
    }

    /** {"device": {"devId", "line", "name"?}}: an account registering a device (section 3). */
    record Registration(DevId devId, String line, String name) {}

    static Registration registration(byte[] body) {
        JsonNode d = root(body, "device", false);
        String p = "device.";
        allowOnly(d, p, "devId", "line", "name");
        return new Registration(DevId.of(required(text(d, "devId", p), p + "devId")),
                required(text(d, "line", p), p + "line"), text(d, "name", p));
    }

    /** {"device": {"name"?, "code"?}}: what an account may change (the code proves the binding). */
    record AccountChange(String name, String code) {}

    static AccountChange accountChange(byte[] body) {
        JsonNode d = root(body, "device", false);
        allowOnly(d, "device.", "name", "code");
        return new AccountChange(text(d, "name", "device."), text(d, "code", "device."));
    }

    // ---- writing ----

    /** {"device": {...}}: a device as its account sees it (no profile while Unconfirmed). */
    static byte[] accountDevice(AccountDevice d, String baseUrl) {
        return bytes(wrap("device", accountDeviceNode(d, baseUrl)));
    }

    /** {"deviceList": {"device": [...], "resourceURL"}}. */
    static byte[] accountDeviceList(List<AccountDevice> devices, String baseUrl) {
        ObjectNode list = MAPPER.createObjectNode();
        ArrayNode items = list.putArray("device");
        devices.forEach(d -> items.add(accountDeviceNode(d, baseUrl)));
        list.put("resourceURL", baseUrl + "/devices");
        return bytes(wrap("deviceList", list));
    }

    private static ObjectNode accountDeviceNode(AccountDevice d, String baseUrl) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("devId", d.devId().value());
        if (d.name() != null) {
            n.put("name", d.name());
        }
        if (d.line() != null) {
            n.put("line", d.line().value());
        }
        n.put("binding", d.binding().wire());
        DeviceProfile p = d.profile();
        if (p != null) {
            ObjectNode info = n.putObject("devInfo");
            putIfSet(info, "man", p.devInfo().man());
            putIfSet(info, "mod", p.devInfo().mod());
            putIfSet(info, "dmV", p.devInfo().dmV());
            putIfSet(info, "lang", p.devInfo().lang());
            ObjectNode detail = n.putObject("devDetail");
            putIfSet(detail, "devTyp", p.devDetail().devTyp());
            putIfSet(detail, "oem", p.devDetail().oem());
            putIfSet(detail, "fwV", p.devDetail().fwV());
            putIfSet(detail, "swV", p.devDetail().swV());
            putIfSet(detail, "hwV", p.devDetail().hwV());
            ArrayNode mos = n.putArray("supportedMOs");
            p.supportedMOs().forEach(mos::add);
            if (p.lastSeen() != null) {
                n.put("lastSeen", p.lastSeen().toString());
            }
            n.put("pendingSessions", d.pendingSessions());
        }
        n.put("resourceURL", baseUrl + "/devices/" + d.devId().value());
        return n;
    }

    private static void putIfSet(ObjectNode node, String name, String value) {
        if (value != null) {
            node.put(name, value);
        }
    }

    /** {"session": {...}}: a package of commands; URLs point at this server's data repository. */
    static byte[] session(PackageView view, String baseUrl,
            java.util.function.Function<String, java.util.Optional<org.omatwin.core.dm.pkg.SignedPackage>> packages) {
        ObjectNode s = MAPPER.createObjectNode();
        s.put("sessionId", view.sessionId());
        s.put("uiMode", view.mode().uiMode().wire());
        s.put("customerCare", view.mode().customerCare());
        ArrayNode cmds = s.putArray("cmd");
        for (Command c : view.commands()) {
            ObjectNode cmd = cmds.addObject();
            cmd.put("cmdId", c.cmdId());
            cmd.put("op", c.op().name());
            if (c.uri() != null) {
                cmd.put("uri", c.uri());
            }
            if (c.dataItemId() != null) { // HGET/HPUT/HPOST/SHOW, and a DiagMon Start's standing upload item
                cmd.put("url", baseUrl + "/data/" + c.dataItemId());
            }
            if (c.data() != null) {
                cmd.put("data", c.data());
            }
            if (c.correlator() != null) {
                cmd.put("correlator", c.correlator());
            }
            if (c.packageRef() != null) { // FUMO/SCOMO: what to download and how to check it (ES3)
                packages.apply(c.packageRef()).ifPresent(p -> packageElement(cmd, p, baseUrl));
                if (c.op() == CommandOp.HGET) { // a configuration package: fetched like any HGET value
                    cmd.put("url", baseUrl + "/packages/" + c.packageRef() + "/content");
                }
            }
        }
        if (view.endsSession()) {
            cmds.addObject().put("cmdId", view.endCmdId()).put("op", CommandOp.END.name());
        }
        s.put("resourceURL", baseUrl + "/sessions/id/" + view.sessionId());
        return bytes(wrap("session", s));
    }

    /**
     * The {@code package} of a FUMO/SCOMO command: where to download it, what to check (size, SHA-256),
     * and the originator's signature with the metadata it signs, so the device can verify it (ES3).
     */
    private static void packageElement(ObjectNode cmd, org.omatwin.core.dm.pkg.SignedPackage p, String baseUrl) {
        var m = p.metadata();
        ObjectNode pkg = cmd.putObject("package")
                .put("url", baseUrl + "/packages/" + p.packageId() + "/content")
                .put("sha256", m.sha256())
                .put("size", m.size())
                .put("signature", p.signature())
                .put("name", m.name())
                .put("version", m.version())
                .put("kind", m.kind().wire());
        ObjectNode targets = pkg.putObject("targets");
        putIfSet(targets, "man", m.targets().man());
        putIfSet(targets, "mod", m.targets().mod());
        if (!m.targets().fromVersions().isEmpty()) {
            m.targets().fromVersions().forEach(targets.putArray("fromVersions")::add);
        }
    }

    /** {"sessionList": {"session": [...], "nextPageToken"?}}. */
    static byte[] sessionList(List<Session> sessions, String baseUrl, String nextPageToken) {
        ObjectNode list = MAPPER.createObjectNode();
        ArrayNode items = list.putArray("session");
        for (Session s : sessions) {
            ObjectNode item = items.addObject();
            item.put("sessionId", s.sessionId());
            item.put("result", s.result().wire());
            item.put("uiMode", s.mode().uiMode().wire());
            item.put("customerCare", s.mode().customerCare());
            item.put("createdTime", s.createdTime().toString());
            if (s.endTime() != null) {
                item.put("endTime", s.endTime().toString());
            }
            item.put("resourceURL", baseUrl + "/sessions/id/" + s.sessionId());
        }
        if (nextPageToken != null) {
            list.put("nextPageToken", nextPageToken);
        }
        return bytes(wrap("sessionList", list));
    }

    private static ObjectNode wrap(String root, JsonNode inner) {
        ObjectNode out = MAPPER.createObjectNode();
        out.set(root, inner);
        return out;
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- strict element access ----

    private static void allowOnly(JsonNode node, String prefix, String... names) {
        Set<String> allowed = Set.of(names);
        Iterator<String> it = node.fieldNames();
        while (it.hasNext()) {
            String name = it.next();
            if (!allowed.contains(name)) {
                throw ApiException.of(ApiError.UNKNOWN_ELEMENT, "unknown element '" + prefix + name + "' in the request",
                        prefix + name);
            }
        }
    }

    private static JsonNode object(JsonNode node, String element) {
        if (!node.isObject()) {
            throw wrongType(element, "an object");
        }
        return node;
    }

    private static String text(JsonNode parent, String name, String prefix) {
        JsonNode v = parent.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw wrongType(prefix + name, "a string");
        }
        return v.asText();
    }

    private static Integer integer(JsonNode parent, String name, String prefix) {
        JsonNode v = parent.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw wrongType(prefix + name, "an integer");
        }
        return v.asInt();
    }

    private static List<JsonNode> array(JsonNode parent, String name, String prefix) {
        JsonNode v = parent.get(name);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw wrongType(prefix + name, "an array");
        }
        List<JsonNode> out = new ArrayList<>();
        v.forEach(out::add);
        return out;
    }

    private static List<String> texts(JsonNode parent, String name, String prefix) {
        JsonNode v = parent.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : array(parent, name, prefix)) {
            if (!item.isTextual()) {
                throw wrongType(prefix + name + "[]", "a string");
            }
            out.add(item.asText());
        }
        return out;
    }

    private static <T> T required(T value, String element) {
        if (value == null) {
            throw ApiException.of(ApiError.MISSING_ELEMENT, element + " is missing", element);
        }
        return value;
    }

    private static ApiException wrongType(String element, String expected) {
        return ApiException.of(ApiError.INVALID_INPUT, "element '" + element + "' must be " + expected, element);
    }
}
