package org.omatwin.core.infra.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.omatwin.proto.dmwsi.v1.DmwsiProto;
import org.omatwin.proto.peering.v1.PeeringProto;
import org.omatwin.proto.portal.v1.PortalProto;
import org.omatwin.proto.twinning.v1.ListTwinningsResponse;
import org.omatwin.proto.twinning.v1.Twinning;
import org.omatwin.proto.twinning.v1.TwinningEventsProto;
import org.omatwin.proto.twinning.v1.TwinningList;
import org.omatwin.proto.twinning.v1.TwinningProto;

/** The contract's printer writes exactly what protobuf's JsonFormat (with the contract's options) writes. */
class ContractJsonTest {
    private static final String[] STRINGS = {"", "a", "tel:+447700900123", "<b>&amp;='x'</b>", "quote\" back\\slash",
            "tab\t nl\n cr\r bs\b ff\f nul\u0000 us\u001f", "é ü 中文 😀", "line\u2028para\u2029", "/slash/"};

    @Test
    void everyContractMessagePrintsAsJsonFormatPrintsIt() throws Exception {
        Random random = new Random(20261128);
        int compared = 0;
        for (FileDescriptor file : List.of(TwinningProto.getDescriptor(), TwinningEventsProto.getDescriptor(),
                PortalProto.getDescriptor(), DmwsiProto.getDescriptor(), PeeringProto.getDescriptor())) {
            for (Descriptor type : file.getMessageTypes()) {
                Class<?> generated = Class.forName(file.getOptions().getJavaPackage() + "." + type.getName());
                for (int i = 0; i < 60; i++) {
                    Message.Builder b = (Message.Builder) generated.getMethod("newBuilder").invoke(null);
                    fill(b, random, 0);
                    Message m = b.build();
                    assertThat(ContractJson.print(m)).as(type.getFullName() + " " + m)
                            .isEqualTo(ContractJson.printWithJsonFormat(m));
                    compared++;
                }
            }
        }
        assertThat(compared).isGreaterThan(1000);
    }

    @Test
    void emptyListsArePrintedAsArrays() throws Exception {
        ListTwinningsResponse empty = ListTwinningsResponse.newBuilder()
                .setTwinningList(TwinningList.newBuilder().setResourceUrl("u")).build();
        assertThat(ContractJson.print(empty)).isEqualTo("{\"twinningList\":{\"twinning\":[],\"resourceURL\":\"u\"}}");
        assertThat(ContractJson.print(Twinning.newBuilder().setResourceUrl("x").build()))
                .isEqualTo("{\"resourceURL\":\"x\"}");
    }

    private static void fill(Message.Builder b, Random r, int depth) {
        for (FieldDescriptor f : b.getDescriptorForType().getFields()) {
            if (r.nextInt(3) == 0 || (depth > 3 && f.getJavaType() == FieldDescriptor.JavaType.MESSAGE)) {
                continue;
            }
            if (f.getContainingOneof() != null && b.hasOneof(f.getContainingOneof())) {
                continue;
            }
            if (f.isMapField()) {
                for (int i = r.nextInt(3); i > 0; i--) {
                    Message.Builder entry = b.newBuilderForField(f);
                    fill(entry, r, depth + 1);
                    b.addRepeatedField(f, entry.build());
                }
            } else if (f.isRepeated()) {
                for (int i = r.nextInt(4); i > 0; i--) {
                    b.addRepeatedField(f, value(b, f, r, depth));
                }
            } else {
                b.setField(f, value(b, f, r, depth));
            }
        }
    }

    private static Object value(Message.Builder b, FieldDescriptor f, Random r, int depth) {
        return switch (f.getJavaType()) {
            case STRING -> STRINGS[r.nextInt(STRINGS.length)] + (r.nextBoolean() ? "" : Integer.toString(r.nextInt()));
            case INT -> r.nextBoolean() ? r.nextInt(100) : r.nextInt();
            case LONG -> r.nextBoolean() ? (long) r.nextInt(100) : r.nextLong();
            case BOOLEAN -> r.nextBoolean();
            case FLOAT -> r.nextFloat();
            case DOUBLE -> r.nextDouble();
            case BYTE_STRING -> ByteString.copyFrom(new byte[] {(byte) r.nextInt(), (byte) r.nextInt(), 0});
            case ENUM -> f.getEnumType().getValues().get(r.nextInt(f.getEnumType().getValues().size()));
            case MESSAGE -> {
                if (f.getMessageType().getFullName().equals(Timestamp.getDescriptor().getFullName())) {
                    int[] nanos = {0, 123_000_000, 123_456_000, 123_456_789};
                    yield Timestamp.newBuilder().setSeconds(r.nextInt(2_000_000_000))
                            .setNanos(nanos[r.nextInt(nanos.length)]).build();
                }
                Message.Builder nested = b.newBuilderForField(f);
                fill(nested, r, depth + 1);
                yield nested.build();
            }
        };
    }
}
