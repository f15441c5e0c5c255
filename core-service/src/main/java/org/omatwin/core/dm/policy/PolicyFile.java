package org.omatwin.core.dm.policy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.omatwin.core.dm.device.DeviceFilter;
import org.omatwin.core.dm.device.Reach;
import org.omatwin.core.infra.error.ApiException;

/**
 * Reads the operator's policy file (TWIN_DM_POLICIES), checked whole at start; any fault stops
 * start-up with the line it is on:
 * <pre>
 * {"policies": [
 *   {"client": "care-desk", "reach": {"all": true},
 *    "nodes": [{"path": "./", "allow": ["read", "write", "delete", "execute", "show"]}],
 *    "requestsPerSecond": 50},
 *   {"client": "app-store", "reach": {"filter": "line==\"tel:+4477009*\""}, "pseudonyms": true,
 *    "nodes": [{"path": "./DevDetail", "allow": ["read"]}, {"path": "./Browser/Favorites/*", "allow": ["write"]}],
 *    "requestsPerSecond": 5, "burst": 10}]}
 * </pre>
 * {@code reach} is exactly one of {@code {"all": true}}, {@code {"subscribers": [ids]}} or
 * {@code {"filter": "..."}} (the device-list grammar over {@code line} and {@code binding} only).
 */
public final class PolicyFile {
    private static final Pattern CLIENT = Pattern.compile("\\*|[A-Za-z0-9][A-Za-z0-9._:@-]{0,199}");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double DEFAULT_RATE = 20;

    private PolicyFile() {}

    /** A fault in the file, with the line it is on. */
    public static final class Invalid extends IllegalArgumentException {
        Invalid(int line, String message) {
            super("line " + line + ": " + message);
        }
    }

    /** A JSON value and the line it starts on (and, for an array, the line of each element). */
    private record Located(JsonNode node, int line, List<Integer> elementLines) {
        Located(JsonNode node, int line) {
            this(node, line, List.of());
        }

        int lineOf(int element) {
            return element < elementLines.size() ? elementLines.get(element) : line;
        }
    }

    public static Policies parse(String text) {
        try (JsonParser p = new JsonFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).createParser(text)) {
            p.setCodec(JSON);
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new Invalid(line(p), "expected an object {\"policies\": [...]}");
            }
            Map<String, Located> root = fields(p, Set.of("policies"));
            Located list = root.get("policies");
            if (list == null) {
                throw new Invalid(1, "policies is missing");
            }
            if (!list.node().isArray()) {
                throw new Invalid(list.line(), "policies must be an array");
            }
            return new Policies(policies(text));
        } catch (JsonProcessingException e) {
            throw new Invalid(e.getLocation() == null ? 0 : e.getLocation().getLineNr(), "not JSON: "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the policies: " + e.getMessage(), e);
        }
    }

    /** A second pass that walks the array with locations (the first checked the top level). */
    private static Map<String, ClientPolicy> policies(String text) throws IOException {
        Map<String, ClientPolicy> byClient = new HashMap<>();
        try (JsonParser p = new JsonFactory().createParser(text)) {
            p.setCodec(JSON);
            p.nextToken(); // {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                p.nextToken(); // [
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    int line = line(p);
                    if (p.currentToken() != JsonToken.START_OBJECT) {
                        throw new Invalid(line, "each policy is an object");
                    }
                    ClientPolicy policy = policy(fields(p, Set.of("client", "reach", "nodes", "pseudonyms",
                            "requestsPerSecond", "burst")), line);
                    if (byClient.put(policy.clientId(), policy) != null) {
                        throw new Invalid(line, "client " + policy.clientId() + " has two policies");
                    }
                }
            }
        }
        return byClient;
    }

    private static ClientPolicy policy(Map<String, Located> f, int line) throws IOException {
        Located client = required(f, "client", line);
        if (!client.node().isTextual() || !CLIENT.matcher(client.node().asText()).matches()) {
            throw new Invalid(client.line(), "client is an OAuth client id (or * for every other client)");
        }
        Located reach = required(f, "reach", line);
        Located nodes = required(f, "nodes", line);
        boolean pseudonyms = bool(f.get("pseudonyms"), "pseudonyms");
        double rate = DEFAULT_RATE;
        Located r = f.get("requestsPerSecond");
        if (r != null) {
            if (!r.node().isNumber() || !(r.node().asDouble() > 0) || r.node().asDouble() > 100_000) {
                throw new Invalid(r.line(), "requestsPerSecond is a number above 0, at most 100000");
            }
            rate = r.node().asDouble();
        }
        int burst = (int) Math.max(1, Math.ceil(rate * 2));
        Located b = f.get("burst");
        if (b != null) {
            if (!b.node().isInt() || b.node().asInt() < 1 || b.node().asInt() > 1_000_000) {
                throw new Invalid(b.line(), "burst is a whole number from 1 to 1000000");
            }
            burst = b.node().asInt();
        }
        return new ClientPolicy(client.node().asText(), reach(reach), rules(nodes), pseudonyms, rate, burst);
    }

    private static Reach reach(Located located) {
        JsonNode r = located.node();
        if (!r.isObject() || r.size() != 1) {
            throw new Invalid(located.line(), "reach is exactly one of {\"all\": true}, {\"subscribers\": [...]} "
                    + "or {\"filter\": \"...\"}");
        }
        String kind = r.fieldNames().next();
        JsonNode v = r.get(kind);
        try {
            return switch (kind) {
                case "all" -> {
                    if (!v.isBoolean() || !v.asBoolean()) {
                        throw new Invalid(located.line(), "reach.all is true (to reach fewer, name subscribers or "
                                + "a filter)");
                    }
                    yield Reach.ALL;
                }
                case "subscribers" -> {
                    if (!v.isArray() || v.isEmpty()) {
                        throw new Invalid(located.line(), "reach.subscribers is a non-empty array of subscriber ids");
                    }
                    Set<String> ids = new HashSet<>();
                    v.forEach(id -> {
                        if (!id.isTextual() || id.asText().isBlank()) {
                            throw new Invalid(located.line(), "reach.subscribers holds subscriber ids (strings)");
                        }
                        ids.add(id.asText());
                    });
                    yield new Reach.Subscribers(ids);
                }
                case "filter" -> {
                    if (!v.isTextual()) {
                        throw new Invalid(located.line(), "reach.filter is a device-list filter (a string)");
                    }
                    yield new Reach.Matching(DeviceFilter.parse(v.asText()));
                }
                default -> throw new Invalid(located.line(), "unknown reach '" + kind + "' (all, subscribers, filter)");
            };
        } catch (ApiException e) {
            throw new Invalid(located.line(), "reach.filter: " + e.getMessage());
        } catch (Invalid e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new Invalid(located.line(), e.getMessage());
        }
    }

    private static List<NodeRule> rules(Located located) {
        if (!located.node().isArray()) {
            throw new Invalid(located.line(), "nodes is an array of {\"path\", \"allow\"} (empty: no node)");
        }
        List<NodeRule> rules = new java.util.ArrayList<>();
        int i = 0;
        for (JsonNode rule : located.node()) {
            int line = located.lineOf(i);
            String where = "nodes[" + i + "]";
            if (!rule.isObject() || !rule.has("path") || !rule.has("allow") || rule.size() != 2) {
                throw new Invalid(line, where + " is {\"path\": \"./...\", \"allow\": [permissions]}");
            }
            NodePattern pattern;
            try {
                pattern = NodePattern.parse(rule.get("path").asText(null));
            } catch (IllegalArgumentException e) {
                throw new Invalid(line, where + ".path: " + e.getMessage());
            }
            Set<Permission> allow = EnumSet.noneOf(Permission.class);
            if (!rule.get("allow").isArray()) {
                throw new Invalid(line, where + ".allow is an array of permissions");
            }
            for (JsonNode a : rule.get("allow")) {
                try {
                    allow.add(Permission.fromWire(a.asText()));
                } catch (IllegalArgumentException e) {
                    throw new Invalid(line, where + ".allow: " + e.getMessage());
                }
            }
            rules.add(new NodeRule(pattern, allow));
            i++;
        }
        return rules;
    }

    private static boolean bool(Located value, String name) {
        if (value == null) {
            return false;
        }
        if (!value.node().isBoolean()) {
            throw new Invalid(value.line(), name + " is true or false");
        }
        return value.node().asBoolean();
    }

    private static Located required(Map<String, Located> f, String name, int line) {
        Located v = f.get(name);
        if (v == null) {
            throw new Invalid(line, name + " is missing");
        }
        return v;
    }

    /** The members of the object the parser is at, each with the line its value starts on. */
    private static Map<String, Located> fields(JsonParser p, Set<String> known) throws IOException {
        Map<String, Located> fields = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            int line = line(p);
            if (!known.contains(name)) {
                throw new Invalid(line, "unknown element '" + name + "' (known: " + String.join(", ",
                        known.stream().sorted().toList()) + ")");
            }
            if (p.nextToken() == JsonToken.START_ARRAY) {
                com.fasterxml.jackson.databind.node.ArrayNode array = JSON.createArrayNode();
                List<Integer> lines = new java.util.ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    lines.add(line(p));
                    array.add((JsonNode) p.readValueAsTree());
                }
                fields.put(name, new Located(array, line, lines));
            } else {
                fields.put(name, new Located(p.readValueAsTree(), line));
            }
        }
        return fields;
    }

    private static int line(JsonParser p) {
        return p.currentTokenLocation().getLineNr();
    }
}
