package org.omatwin.core.infra.edge.rest;

import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.common.RequestHeaders;
import io.grpc.Metadata;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;

/**
 * A REST request as its gRPC method's message and metadata, as a google.api.http transcoder builds it:
 * the JSON body (protobuf's JSON mapping) for body "*", each path variable percent-decoded once, each
 * query parameter (already checked against the rule) converted to its field's type.
 */
final class RestRequests {
    private RestRequests() {}

    static Message build(HttpRules.Rule rule, List<String> segments, QueryParams query, String body,
            JsonFormat.Parser parser, Message prototype) {
        Message.Builder b = prototype.newBuilderForType();
        if (body != null) {
            try {
                parser.merge(body, b);
            } catch (InvalidProtocolBufferException e) {
                throw ApiException.of(ApiError.INVALID_INPUT, "the request body does not match the contract", "body");
            }
        }
        for (Map.Entry<String, String> v : rule.variables(segments).entrySet()) {
            FieldDescriptor f = b.getDescriptorForType().findFieldByName(v.getKey());
            set(b, f, decodePathSegment(v.getValue(), v.getKey()), v.getKey());
        }
        for (String name : query.names()) {
            set(b, field(b, name), query.get(name), name);
        }
        return b.build();
    }

    /** A query parameter's field: by its proto name or its JSON (lowerCamelCase) name. */
    private static FieldDescriptor field(Message.Builder b, String name) {
        for (FieldDescriptor f : b.getDescriptorForType().getFields()) {
            if (f.getName().equals(name) || f.getJsonName().equals(name)) {
                return f;
            }
        }
        throw ApiException.of(ApiError.UNKNOWN_ELEMENT, "unknown query parameter '" + name + "'", name);
    }

    private static void set(Message.Builder b, FieldDescriptor f, String value, String element) {
        Object v = scalar(f, value, element);
        if (f.isRepeated()) {
            b.addRepeatedField(f, v);
        } else {
            b.setField(f, v);
        }
    }

    private static Object scalar(FieldDescriptor f, String value, String element) {
        try {
            return switch (f.getType()) {
                case STRING -> value;
                case INT32, SINT32, SFIXED32 -> Integer.parseInt(value);
                case UINT32, FIXED32 -> Integer.parseUnsignedInt(value);
                case INT64, SINT64, SFIXED64 -> Long.parseLong(value);
                case UINT64, FIXED64 -> Long.parseUnsignedLong(value);
                case BOOL -> switch (value) {
                    case "true" -> true;
                    case "false" -> false;
                    default -> throw wrong(element, "true or false");
                };
                case DOUBLE -> Double.parseDouble(value);
                case FLOAT -> Float.parseFloat(value);
                case ENUM -> {
                    EnumValueDescriptor e = f.getEnumType().findValueByName(value);
                    if (e == null) {
                        throw wrong(element, "one of the values of " + f.getEnumType().getName());
                    }
                    yield e;
                }
                default -> throw wrong(element, "a scalar value");
            };
        } catch (NumberFormatException e) {
            throw wrong(element, "a number");
        }
    }

    private static ApiException wrong(String element, String expected) {
        return ApiException.of(ApiError.INVALID_INPUT, "'" + element + "' must be " + expected, element);
    }

    /** Percent-decodes a path segment once, as UTF-8; '+' stays '+' (it is not a space in a path). */
    static String decodePathSegment(String segment, String element) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '%') {
                int hi = i + 2 < segment.length() ? Character.digit(segment.charAt(i + 1), 16) : -1;
                int lo = hi < 0 ? -1 : Character.digit(segment.charAt(i + 2), 16);
                if (lo < 0) {
                    throw ApiException.of(ApiError.INVALID_INPUT, "malformed percent-encoding in the path", element);
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(utf8, 0, utf8.length);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw ApiException.of(ApiError.INVALID_INPUT, "the path is not valid UTF-8", element);
        }
    }

    /**
     * The request's headers as gRPC metadata (what the interceptors read: Authorization, the development
     * caller header); pseudo-headers, binary and connection headers are not passed.
     */
    static Metadata metadata(RequestHeaders headers) {
        Metadata md = new Metadata();
        headers.forEach((name, value) -> {
            String n = name.toString();
            if (n.startsWith(":") || n.endsWith(Metadata.BINARY_HEADER_SUFFIX) || n.equals("host")
                    || n.equals("connection") || n.equals("content-length") || n.equals("te")
                    || n.equals("transfer-encoding") || !validKey(n)) {
                return;
            }
            md.put(Metadata.Key.of(n, Metadata.ASCII_STRING_MARSHALLER), value);
        });
        return md;
    }

    /** gRPC metadata keys: 0-9 a-z _ - . only. */
    private static boolean validKey(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '_' || c == '-' || c == '.')) {
                return false;
            }
        }
        return !name.isEmpty();
    }
}
