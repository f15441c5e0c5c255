package org.omatwin.core.api;

import com.google.protobuf.InvalidProtocolBufferException;
import org.omatwin.core.error.ApiException;
import org.omatwin.proto.twinning.v1.ExceptionDetail;
import org.omatwin.proto.twinning.v1.RequestError;
import org.omatwin.proto.twinning.v1.RequestErrorEnvelope;

/** The contract's error body, {"requestError": {...}}, built from an {@link ApiException}. */
public final class RequestErrors {
    private RequestErrors() {}

    public static RequestError toProto(ApiException e) {
        ExceptionDetail detail = ExceptionDetail.newBuilder()
                .setMessageId(e.error().messageId())
                .setText(e.text())
                .addAllVariables(e.variables())
                .build();
        RequestError.Builder b = RequestError.newBuilder();
        if (e.error().isPolicy()) {
            b.setPolicyException(detail);
        } else {
            b.setServiceException(detail);
        }
        return b.build();
    }

    /**
     * The JSON body, pure ASCII (non-ASCII escaped as \\uXXXX) so that it can also travel as a gRPC
     * ASCII trailer for edges that cannot decode protobuf (the Envoy Lua filter).
     */
    public static String toJson(ApiException e) {
        try {
            String json = ContractJson.PRINTER.print(RequestErrorEnvelope.newBuilder().setRequestError(toProto(e)).build());
            return asciiOnly(json);
        } catch (InvalidProtocolBufferException ex) {
            throw new IllegalStateException(ex);
        }
    }

    static String asciiOnly(String json) {
        StringBuilder sb = new StringBuilder(json.length());
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
