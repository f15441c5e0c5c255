package org.omatwin.core.infra.edge;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The contract's JSON printer: protobuf's JSON mapping (json_name honoured), compact, and repeatable
 * elements always printed as arrays, even when empty (twinning-api.md and dm-api.md, conventions):
 * every repeated field of the contract file a message belongs to.
 */
public final class ContractJson {
    private static final Map<FileDescriptor, JsonFormat.Printer> PRINTERS = new ConcurrentHashMap<>();

    private ContractJson() {}

    public static String print(MessageOrBuilder message) throws InvalidProtocolBufferException {
        return printerFor(message.getDescriptorForType().getFile()).print(message);
    }

    private static JsonFormat.Printer printerFor(FileDescriptor file) {
        return PRINTERS.computeIfAbsent(file, f -> {
            Set<FieldDescriptor> repeated = new HashSet<>();
            f.getMessageTypes().forEach(m -> collectRepeated(m, repeated));
            return JsonFormat.printer().omittingInsignificantWhitespace().includingDefaultValueFields(repeated);
        });
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
