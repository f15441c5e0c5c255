package org.omatwin.core.twinning.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.TreeMap;

/** The primary's service endpoints (HLF-IC-006), stored as a small JSON object. */
final class PeerEndpoints {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PeerEndpoints() {}

    static String write(Map<String, String> endpoints) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(endpoints));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, String> read(String json) {
        if (json == null) {
            return Map.of();
        }
        try {
            return JSON.readValue(json, new TypeReference<Map<String, String>>() {});
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable primary_endpoints", e);
        }
    }
}
