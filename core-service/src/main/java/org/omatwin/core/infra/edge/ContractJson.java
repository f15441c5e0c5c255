package org.omatwin.core.infra.edge;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import com.google.protobuf.util.Timestamps;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The contract's JSON printer: protobuf's JSON mapping (json_name honoured), compact, and repeatable
 * elements always printed as arrays, even when empty (twinning-api.md and dm-api.md, conventions):
 * every repeated field of the contract file a message belongs to.
 *
 * <p>The output is protobuf's {@link JsonFormat} printer's, byte for byte (ContractJsonTest), but for the
 * contract's messages it is written directly from the descriptors: JsonFormat builds a sorted map of
 * every message's fields and runs a JSON library for each string, which was a third of a REST read's
 * CPU. Messages with a field kind the direct printer does not know (maps, enums, floating point, well-known
 * types other than Timestamp) go to JsonFormat.
 */
public final class ContractJson {
    private static final Map<FileDescriptor, Printer> PRINTERS = new ConcurrentHashMap<>();

    private ContractJson() {}

    public static String print(MessageOrBuilder message) throws InvalidProtocolBufferException {
        return printerFor(message.getDescriptorForType().getFile()).print(message);
    }

    private static Printer printerFor(FileDescriptor file) {
        return PRINTERS.computeIfAbsent(file, Printer::new);
    }

    /** Protobuf's own printer with the contract's options; kept for the messages the direct one leaves. */
    static String printWithJsonFormat(MessageOrBuilder message) throws InvalidProtocolBufferException {
        return printerFor(message.getDescriptorForType().getFile()).jsonFormat.print(message);
    }

    /** The printer of the messages of one contract file. */
    private static final class Printer {
        private final Set<FieldDescriptor> alwaysPrinted;
        private final JsonFormat.Printer jsonFormat;
        /** How each message type is printed: its fields in number order, or null for JsonFormat. */
        private final Map<Descriptor, Field[]> plans = new ConcurrentHashMap<>();
        private static final Field[] USE_JSON_FORMAT = new Field[0];

        Printer(FileDescriptor file) {
            Set<FieldDescriptor> repeated = new HashSet<>();
            file.getMessageTypes().forEach(m -> collectRepeated(m, repeated));
            this.alwaysPrinted = Set.copyOf(repeated);
            JsonFormat.Printer compact = JsonFormat.printer().omittingInsignificantWhitespace();
            this.jsonFormat = repeated.isEmpty() ? compact : compact.includingDefaultValueFields(repeated);
        }

        String print(MessageOrBuilder message) throws InvalidProtocolBufferException {
            if (plan(message.getDescriptorForType()) == USE_JSON_FORMAT) {
                return jsonFormat.print(message);
            }
            StringBuilder out = new StringBuilder(256);
            try {
                write(out, message);
            } catch (IllegalArgumentException e) {
                return jsonFormat.print(message); // an invalid Timestamp: JsonFormat says why
            }
            return out.toString();
        }

        private void write(StringBuilder out, MessageOrBuilder message) {
            Descriptor type = message.getDescriptorForType();
            if (type.getFullName().equals(Timestamp.getDescriptor().getFullName())) {
                if (!(message instanceof Timestamp ts)) {
                    throw new IllegalArgumentException("not a generated Timestamp");
                }
                out.append('"').append(Timestamps.toString(ts)).append('"');
                return;
            }
            out.append('{');
            boolean first = true;
            for (Field f : plan(type)) {
                FieldDescriptor fd = f.descriptor;
                if (fd.isRepeated()) {
                    int n = message.getRepeatedFieldCount(fd);
                    if (n == 0 && !alwaysPrinted.contains(fd)) {
                        continue;
                    }
                    first = comma(out, first);
                    out.append(f.key).append('[');
                    for (int i = 0; i < n; i++) {
                        if (i > 0) {
                            out.append(',');
                        }
                        value(out, f, message.getRepeatedField(fd, i));
                    }
                    out.append(']');
                } else if (fd.hasPresence()) {
                    if (message.hasField(fd)) {
                        first = comma(out, first);
                        out.append(f.key);
                        value(out, f, message.getField(fd));
                    }
                } else {
                    Object v = message.getField(fd);
                    if (!v.equals(fd.getDefaultValue())) {
                        first = comma(out, first);
                        out.append(f.key);
                        value(out, f, v);
                    }
                }
            }
            out.append('}');
        }

        private static boolean comma(StringBuilder out, boolean first) {
            if (!first) {
                out.append(',');
            }
            return false;
        }

        private void value(StringBuilder out, Field f, Object v) {
            switch (f.descriptor.getType()) {
                case STRING -> string(out, (String) v);
                case BOOL, INT32, SINT32, SFIXED32 -> out.append(v);
                case UINT32, FIXED32 -> out.append(Integer.toUnsignedString((Integer) v));
                case INT64, SINT64, SFIXED64 -> out.append('"').append(v).append('"');
                case UINT64, FIXED64 -> out.append('"').append(Long.toUnsignedString((Long) v)).append('"');
                case BYTES -> out.append('"').append(Base64.getEncoder().encodeToString(((ByteString) v).toByteArray()))
                        .append('"');
                case MESSAGE -> write(out, (MessageOrBuilder) v);
                default -> throw new IllegalStateException("not planned: " + f.descriptor.getFullName());
            }
        }

        /** The fields of a type in number order (JsonFormat's order), or USE_JSON_FORMAT. */
        private Field[] plan(Descriptor type) {
            Field[] plan = plans.get(type);
            if (plan == null) {
                plan = makePlan(type, new HashSet<>());
                plans.put(type, plan);
            }
            return plan;
        }

        private Field[] makePlan(Descriptor type, Set<Descriptor> visiting) {
            if (type.getFullName().equals(Timestamp.getDescriptor().getFullName())) {
                return new Field[0];
            }
            if (type.getFullName().startsWith("google.protobuf.") || !visiting.add(type)) {
                return USE_JSON_FORMAT; // other well-known types; recursive types
            }
            FieldDescriptor[] fields = type.getFields().toArray(new FieldDescriptor[0]);
            Arrays.sort(fields, Comparator.comparingInt(FieldDescriptor::getNumber));
            Field[] plan = new Field[fields.length];
            for (int i = 0; i < fields.length; i++) {
                FieldDescriptor f = fields[i];
                switch (f.getType()) {
                    case ENUM, FLOAT, DOUBLE, GROUP -> {
                        return USE_JSON_FORMAT;
                    }
                    case MESSAGE -> {
                        if (f.isMapField() || makePlan(f.getMessageType(), visiting) == USE_JSON_FORMAT) {
                            return USE_JSON_FORMAT;
                        }
                    }
                    default -> { }
                }
                StringBuilder key = new StringBuilder();
                string(key, f.getJsonName());
                plan[i] = new Field(f, key.append(':').toString());
            }
            visiting.remove(type);
            return plan;
        }
    }

    private record Field(FieldDescriptor descriptor, String key) {}

    /** A JSON string as Gson (JsonFormat's) writes it: HTML-safe, with U+2028 and U+2029 escaped. */
    static void string(StringBuilder out, String s) {
        out.append('"');
        int last = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String replacement;
            if (c < 128) {
                replacement = REPLACEMENTS[c];
                if (replacement == null) {
                    continue;
                }
            } else if (c == '\u2028') {
                replacement = "\\u2028";
            } else if (c == '\u2029') {
                replacement = "\\u2029";
            } else {
                continue;
            }
            out.append(s, last, i).append(replacement);
            last = i + 1;
        }
        out.append(s, last, s.length()).append('"');
    }

    private static final String[] REPLACEMENTS = new String[128];

    static {
        for (int c = 0; c < 0x20; c++) {
            REPLACEMENTS[c] = String.format("\\u%04x", c);
        }
        // short escapes, and Gson's HTML-safe ones
        String chars = "\"\\\t\b\n\r\f<>&='";
        String[] escapes = {"\\\"", "\\\\", "\\t", "\\b", "\\n", "\\r", "\\f", "\\u003c", "\\u003e", "\\u0026",
            "\\u003d", "\\u0027"};
        for (int i = 0; i < chars.length(); i++) {
            REPLACEMENTS[chars.charAt(i)] = escapes[i];
        }
    }

    private static void collectRepeated(Descriptor type, Set<FieldDescriptor> into) {
        for (FieldDescriptor field : type.getFields()) {
            if (field.isRepeated() && !field.isMapField()) {
                into.add(field);
            }
        }
        type.getNestedTypes().forEach(n -> collectRepeated(n, into));
    }
}
