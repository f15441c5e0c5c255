package org.omatwin.core.infra.edge.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.proto.edge.v1.FieldsProto;

/**
 * Checks a JSON request body against the protobuf message it must become, the way Envoy's transcoder
 * does and stricter than protobuf's parser: every element must be known (SVC2005) and of the right
 * JSON type (SVC0002, naming the element), so nothing is silently dropped or coerced. The one
 * exception is declared in the contract: an integer field marked {@code (oma.edge.v1.saturate)} takes
 * the nearest value in range (a subscription asking for 99999999999 seconds is granted the maximum).
 */
final class StrictJson {
    private static final String TIMESTAMP = "google.protobuf.Timestamp";

    private StrictJson() {}

    /**
     * @param excluded top-level fields that may not appear in the body (bound from the path)
     * @return whether {@code body} was changed (a saturated integer), so must be printed again
     */
    static boolean check(JsonNode body, Descriptor type, Set<String> excluded) {
        if (!body.isObject()) {
            throw ApiException.of(ApiError.INVALID_INPUT, "the request body must be a JSON object", "body");
        }
        return checkObject(body, type, excluded, "");
    }

    private static boolean checkObject(JsonNode node, Descriptor type, Set<String> excluded, String path) {
        boolean changed = false;
        List<Map.Entry<String, JsonNode>> saturated = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String element = path + e.getKey();
            FieldDescriptor f = find(type, e.getKey());
            if (f == null || excluded.contains(f.getName())) {
                throw ApiException.of(ApiError.UNKNOWN_ELEMENT, "unknown element '" + element + "' in the request", element);
            }
            JsonNode value = e.getValue();
            if (value.isNull()) {
                continue;
            }
            if (f.isRepeated()) {
                if (!value.isArray()) {
                    throw wrongType(element, "an array");
                }
                for (JsonNode item : value) {
                    changed |= checkValue(item, f, element + "[]");
                }
            } else if (isSaturated(value, f)) {
                saturated.add(Map.entry(e.getKey(), saturate(value, f)));
            } else {
                changed |= checkValue(value, f, element);
            }
        }
        saturated.forEach(e -> ((ObjectNode) node).set(e.getKey(), e.getValue()));
        return changed || !saturated.isEmpty();
    }

    /** An integer out of the range of a field that takes the nearest value instead (saturate option). */
    private static boolean isSaturated(JsonNode value, FieldDescriptor f) {
        return value.isIntegralNumber() && f.getOptions().getExtension(FieldsProto.saturate)
                && (f.getJavaType() == FieldDescriptor.JavaType.INT ? !value.canConvertToInt()
                        : f.getJavaType() == FieldDescriptor.JavaType.LONG && !value.canConvertToLong());
    }

    private static JsonNode saturate(JsonNode value, FieldDescriptor f) {
        boolean negative = value.bigIntegerValue().signum() < 0;
        return f.getJavaType() == FieldDescriptor.JavaType.INT
                ? IntNode.valueOf(negative ? Integer.MIN_VALUE : Integer.MAX_VALUE)
                : LongNode.valueOf(negative ? Long.MIN_VALUE : Long.MAX_VALUE);
    }

    private static boolean checkValue(JsonNode value, FieldDescriptor f, String element) {
        switch (f.getJavaType()) {
            case STRING -> {
                if (!value.isTextual()) {
                    throw wrongType(element, "a string");
                }
            }
            case INT, LONG -> {
                boolean integral = value.isIntegralNumber()
                        && (f.getJavaType() == FieldDescriptor.JavaType.LONG ? value.canConvertToLong()
                                : value.canConvertToInt());
                if (!integral) {
                    throw wrongType(element, "an integer");
                }
            }
            case BOOLEAN -> {
                if (!value.isBoolean()) {
                    throw wrongType(element, "true or false");
                }
            }
            case FLOAT, DOUBLE -> {
                if (!value.isNumber()) {
                    throw wrongType(element, "a number");
                }
            }
            case ENUM -> {
                if (!value.isTextual()) {
                    throw wrongType(element, "a string");
                }
            }
            case MESSAGE -> {
                if (TIMESTAMP.equals(f.getMessageType().getFullName())) {
                    if (!value.isTextual()) {
                        throw wrongType(element, "an RFC 3339 timestamp string");
                    }
                } else if (!value.isObject()) {
                    throw wrongType(element, "an object");
                } else {
                    return checkObject(value, f.getMessageType(), Set.of(), element + ".");
                }
            }
            default -> throw wrongType(element, "a supported value");
        }
        return false;
    }

    private static FieldDescriptor find(Descriptor type, String key) {
        for (FieldDescriptor f : type.getFields()) {
            if (f.getJsonName().equals(key) || f.getName().equals(key)) {
                return f;
            }
        }
        return null;
    }

    private static ApiException wrongType(String element, String expected) {
        return ApiException.of(ApiError.INVALID_INPUT, "element '" + element + "' must be " + expected, element);
    }
}
