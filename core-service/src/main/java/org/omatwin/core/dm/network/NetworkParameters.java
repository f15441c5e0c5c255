package org.omatwin.core.dm.network;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The operator's network parameters (ES8), from the file {@code TWIN_DM_NETWORK_PARAMETERS} names:
 * <pre>
 * {"networkParameters": [
 *   {"id": "apn.internet", "kind": "apn", "description": "Internet APN",
 *    "values": [{"uri": "./Settings/APN/1/Name", "value": "internet"},
 *               {"uri": "./Settings/APN/1/Password", "value": "...", "secret": true}]}]}
 * </pre>
 * Checked whole at start: a file that does not read as this shape stops start-up with the reason and
 * where ({@link #parse} throws {@link IllegalArgumentException}). Without a file the list is empty.
 */
public record NetworkParameters(List<NetworkParameter> all) {
    public static final NetworkParameters NONE = new NetworkParameters(List.of());
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Pattern FORMAT = Pattern.compile("[a-z0-9]{1,20}");
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    public NetworkParameters {
        all = List.copyOf(all);
    }

    public Optional<NetworkParameter> find(String id) {
        return all.stream().filter(p -> p.id().equals(id)).findFirst();
    }

    /** Reads the file's JSON; the message of a refusal names the element (e.g. networkParameters[1].id). */
    public static NetworkParameters parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage() + " (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("expected an object {\"networkParameters\": [...]}");
        }
        only(root, "", Set.of("networkParameters"));
        JsonNode list = root.path("networkParameters");
        if (!list.isArray()) {
            throw new IllegalArgumentException("networkParameters must be an array");
        }
        List<NetworkParameter> all = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String at = "networkParameters[" + i + "]";
            JsonNode p = list.get(i);
            if (!p.isObject()) {
                throw new IllegalArgumentException(at + " must be an object");
            }
            only(p, at + ".", Set.of("id", "kind", "description", "values"));
            String id = text(p, at, "id", true);
            if (!ID.matcher(id).matches()) {
                throw new IllegalArgumentException(at + ".id must be 1-100 letters, digits, '.', '_' or '-'");
            }
            if (!ids.add(id)) {
                throw new IllegalArgumentException(at + ".id " + id + " is given twice");
            }
            JsonNode values = p.path("values");
            if (!values.isArray() || values.isEmpty()) {
                throw new IllegalArgumentException(at + ".values must be a non-empty array");
            }
            List<NetworkParameter.Value> parsed = new ArrayList<>();
            for (int j = 0; j < values.size(); j++) {
                String vat = at + ".values[" + j + "]";
                JsonNode v = values.get(j);
                if (!v.isObject()) {
                    throw new IllegalArgumentException(vat + " must be an object");
                }
                only(v, vat + ".", Set.of("uri", "value", "format", "secret"));
                String uri = text(v, vat, "uri", true);
                if (!uri.startsWith("./") || uri.contains("/../") || uri.endsWith("/..")) {
                    throw new IllegalArgumentException(vat + ".uri must be a node from ./ without .. segments");
                }
                String format = text(v, vat, "format", false);
                if (format != null && !FORMAT.matcher(format).matches()) {
                    throw new IllegalArgumentException(vat + ".format must be a DM format such as chr, int, bool");
                }
                JsonNode secret = v.path("secret");
                if (!secret.isMissingNode() && !secret.isBoolean()) {
                    throw new IllegalArgumentException(vat + ".secret must be true or false");
                }
                parsed.add(new NetworkParameter.Value(uri, text(v, vat, "value", true), format,
                        secret.asBoolean(false)));
            }
            all.add(new NetworkParameter(id, text(p, at, "kind", true), text(p, at, "description", false), parsed));
        }
        return new NetworkParameters(all);
    }

    private static void only(JsonNode object, String at, Set<String> names) {
        for (Iterator<String> it = object.fieldNames(); it.hasNext();) {
            String name = it.next();
            if (!names.contains(name)) {
                throw new IllegalArgumentException(at + name + " is not a known element (expected one of "
                        + names.stream().sorted().toList() + ")");
            }
        }
    }

    private static String text(JsonNode object, String at, String name, boolean mandatory) {
        JsonNode n = object.path(name);
        if (n.isMissingNode() || n.isNull()) {
            if (mandatory) {
                throw new IllegalArgumentException(at + "." + name + " is missing");
            }
            return null;
        }
        if (!n.isTextual()) {
            throw new IllegalArgumentException(at + "." + name + " must be a string");
        }
        return n.asText();
    }
}
