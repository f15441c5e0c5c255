package org.omatwin.core.infra.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.proto.twinning.v1.RequestError;

class ApiErrorsTest {
    /** The standard gRPC-to-HTTP mapping Envoy's transcoder applies. */
    private static final Map<Status.Code, Integer> ENVOY_HTTP = Map.of(
            Status.Code.INVALID_ARGUMENT, 400, Status.Code.UNAUTHENTICATED, 401,
            Status.Code.PERMISSION_DENIED, 403, Status.Code.NOT_FOUND, 404, Status.Code.ABORTED, 409,
            Status.Code.RESOURCE_EXHAUSTED, 429, Status.Code.UNAVAILABLE, 503, Status.Code.INTERNAL, 500,
            Status.Code.UNIMPLEMENTED, 501);

    @Test
    void everyContractErrorMapsToAGrpcCodeWhoseStandardHttpStatusIsTheContractsOne() {
        for (ApiError e : ApiError.values()) {
            Status.Code code = ApiErrors.codeFor(e.httpStatus());
            int http = ENVOY_HTTP.get(code);
            if (e.httpStatus() == 413 || e.httpStatus() == 415 || e.httpStatus() == 405) {
                continue; // produced only by the HTTP edges themselves, never by the gRPC service
            }
            assertThat(http).as(e.name()).isEqualTo(e.httpStatus());
        }
    }

    @Test
    void theStatusCarriesTheOmaErrorInDetailsAndTrailers() {
        StatusRuntimeException s = ApiErrors.toStatus(
                ApiException.rateLimited("too many wrong codes", Duration.ofMillis(61_200), "activationCode"));
        assertThat(s.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        com.google.rpc.Status rpc = StatusProto.fromThrowable(s);
        assertThat(rpc).isNotNull();
        assertThat(rpc.getDetailsList()).anySatisfy(a -> assertThat(a.is(RequestError.class)).isTrue());
        assertThat(rpc.getDetailsList()).anySatisfy(a -> assertThat(a.is(RetryInfo.class)).isTrue());
        assertThat(s.getTrailers().get(ApiErrors.RETRY_AFTER)).isEqualTo("62");
        assertThat(s.getTrailers().get(ApiErrors.HTTP_STATUS)).isEqualTo("429");
        assertThat(s.getTrailers().get(ApiErrors.REQUEST_ERROR)).isEqualTo(
                "{\"requestError\":{\"policyException\":{\"messageId\":\"POL2005\",\"text\":\"too many wrong codes\","
                        + "\"variables\":[\"activationCode\"]}}}");
    }

    @Test
    void unexpectedFailuresBecomeSvc0001WithoutDetailsOfTheCause() {
        StatusRuntimeException s = ApiErrors.toStatus(new IllegalStateException("secret SQL: select * from x"));
        assertThat(s.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(s.getTrailers().get(ApiErrors.REQUEST_ERROR)).contains("SVC0001").doesNotContain("SQL");
        assertThat(s.getStatus().getDescription()).doesNotContain("SQL");
    }

    @Test
    void nonAsciiTextIsEscapedSoItCanTravelAsAnAsciiTrailer() {
        String json = ApiErrors.toJson(ApiException.of(ApiError.INVALID_INPUT, "nom « Montre » invalide", "name"));
        assertThat(json).isEqualTo(json.replaceAll("[^\\x20-\\x7e]", "?"));
        assertThat(json).contains("\\u00ab");
    }
}
