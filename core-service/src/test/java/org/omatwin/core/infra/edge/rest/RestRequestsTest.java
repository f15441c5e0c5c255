package org.omatwin.core.infra.edge.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.util.JsonFormat;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.HttpMethod;
import io.grpc.Metadata;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.proto.dmwsi.v1.DmwsiProto;
import org.omatwin.proto.dmwsi.v1.ListOperationsRequest;
import org.omatwin.proto.twinning.v1.ListTwinningsRequest;
import org.omatwin.proto.twinning.v1.TwinningProto;
import org.omatwin.proto.twinning.v1.UpdateTwinningStatusRequest;

/** The REST edge builds each method's request message as a google.api.http transcoder does. */
class RestRequestsTest {
    private static final HttpRules RULES = HttpRules.of(List.of(
            TwinningProto.getDescriptor().findServiceByName("TwinningService"),
            DmwsiProto.getDescriptor().findServiceByName("DeviceManagementService")));

    private static Object build(String method, String path, String query, String body, com.google.protobuf.Message proto) {
        HttpRules.Found found = (HttpRules.Found) RULES.match(method, path);
        return RestRequests.build(found.rule(), found.segments(), QueryParams.fromQueryString(query), body,
                JsonFormat.parser(), proto);
    }

    @Test
    void pathVariablesArePercentDecodedOnceAndAPlusStaysAPlus() {
        assertThat(build("GET", "/twinning/v1/tel%3A%2B447700900123/twinnings", "", null,
                ListTwinningsRequest.getDefaultInstance()))
                .isEqualTo(ListTwinningsRequest.newBuilder().setUserId("tel:+447700900123").build());
        assertThat(build("GET", "/twinning/v1/tel:+447700900123/twinnings", "", null,
                ListTwinningsRequest.getDefaultInstance()))
                .isEqualTo(ListTwinningsRequest.newBuilder().setUserId("tel:+447700900123").build());
        // encoded twice: decoded once only, so the domain refuses it rather than decoding it again
        assertThat(build("GET", "/twinning/v1/tel%253A%252B44/twinnings", "", null,
                ListTwinningsRequest.getDefaultInstance()))
                .isEqualTo(ListTwinningsRequest.newBuilder().setUserId("tel%3A%2B44").build());
        assertThatThrownBy(() -> build("GET", "/twinning/v1/%FF%FE/twinnings", "", null,
                ListTwinningsRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.error()).isEqualTo(ApiError.INVALID_INPUT));
    }

    @Test
    void queryParametersByJsonOrProtoNameWithTheirTypes() {
        assertThat(build("GET", "/twinning/v1/acr:auth/twinnings", "otherDeviceAddress=tel%3A%2B4477&name=a+b", null,
                ListTwinningsRequest.getDefaultInstance()))
                .isEqualTo(ListTwinningsRequest.newBuilder().setUserId("acr:auth").setOtherDeviceAddress("tel:+4477")
                        .setName("a b").build());
        assertThat(build("GET", "/dmwsi/v1/operations", "limit=5&page_token=x", null,
                ListOperationsRequest.getDefaultInstance()))
                .isEqualTo(ListOperationsRequest.newBuilder().setLimit(5).setPageToken("x").build());
        assertThatThrownBy(() -> build("GET", "/dmwsi/v1/operations", "limit=ten", null,
                ListOperationsRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.error()).isEqualTo(ApiError.INVALID_INPUT);
                    assertThat(e.getMessage()).contains("limit");
                });
    }

    @Test
    void theBodyAndThePathMakeOneMessage() {
        assertThat(build("PUT", "/twinning/v1/acr:auth/twinnings/t1/twinningStatus", "", "{\"twinningStatus\":\"Off\"}",
                UpdateTwinningStatusRequest.getDefaultInstance()))
                .isEqualTo(UpdateTwinningStatusRequest.newBuilder().setUserId("acr:auth").setTwinningId("t1")
                        .setTwinningStatus("Off").build());
    }

    @Test
    void headersBecomeMetadataButNotPseudoOrConnectionHeaders() {
        Metadata md = RestRequests.metadata(RequestHeaders.builder(HttpMethod.GET, "/x")
                .add("authorization", "Bearer t").add("x-twinning-device", "tel:+44").add("host", "h")
                .add("weird!name", "v").add("x-bin", "AAAA").build());
        assertThat(md.get(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER))).isEqualTo("Bearer t");
        assertThat(md.get(Metadata.Key.of("x-twinning-device", Metadata.ASCII_STRING_MARSHALLER))).isEqualTo("tel:+44");
        assertThat(md.keys()).containsExactlyInAnyOrder("authorization", "x-twinning-device");
    }
}
