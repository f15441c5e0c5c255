package org.omatwin.core.infra.edge.rest;

import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import com.linecorp.armeria.common.grpc.GrpcJsonMarshaller;
import io.grpc.MethodDescriptor.Marshaller;
import io.grpc.MethodDescriptor.PrototypeMarshaller;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.omatwin.core.infra.edge.ContractJson;

/**
 * Protobuf's own JSON mapping for the embedded transcoder (the one Envoy uses too): honours
 * {@code json_name} (resourceURL), rejects unknown fields, prints no default values.
 */
final class JsonFormatMarshaller implements GrpcJsonMarshaller {
    private static final JsonFormat.Parser PARSER = JsonFormat.parser();

    @Override
    public <T> void serializeMessage(Marshaller<T> marshaller, T message, OutputStream os) throws IOException {
        os.write(ContractJson.print((MessageOrBuilder) message).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T deserializeMessage(Marshaller<T> marshaller, InputStream is) throws IOException {
        Message prototype = (Message) ((PrototypeMarshaller<T>) marshaller).getMessagePrototype();
        Message.Builder builder = prototype.newBuilderForType();
        PARSER.merge(new InputStreamReader(is, StandardCharsets.UTF_8), builder);
        return (T) builder.build();
    }
}
