package org.omatwin.portal.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Every OMA messageId the core sends reads as a sentence of its own; nothing technical leaks. */
class HumanErrorsTest {
    @Test
    void eachErrorOfTheContractHasItsOwnSentence() {
        List<String> ids = List.of("SVC0002", "SVC2006", "SVC2008", "SVC0004", "SVC2007", "SVC2003", "POL2003",
                "POL2008", "POL2005", "POL2000", "POL1037", "POL1038");
        for (String id : ids) {
            String sentence = HumanErrors.sentence(id, List.of(), "internal text", 120);
            assertThat(sentence).as(id).isNotEqualTo(HumanErrors.UNAVAILABLE).endsWith(".")
                    .doesNotContain(id, "internal text");
        }
        assertThat(HumanErrors.sentence("SVC0001", List.of(), "db down", 0)).isEqualTo(HumanErrors.UNAVAILABLE);
        assertThat(HumanErrors.sentence("XYZ9999", List.of(), "?", 0)).isEqualTo(HumanErrors.UNAVAILABLE);
    }

    @Test
    void theVariablesSayWhichFieldWasWrong() {
        assertThat(HumanErrors.sentence("SVC0002", List.of("activationCode"), "", 0)).startsWith("That code is wrong");
        assertThat(HumanErrors.sentence("SVC0002", List.of("name"), "name 'Car' is already used by another", 0))
                .startsWith("You already use that name");
        assertThat(HumanErrors.sentence("SVC0002", List.of("name"), "name must be 1-64 characters", 0))
                .isEqualTo("A name has 1 to 64 characters.");
        assertThat(HumanErrors.sentence("POL2005", List.of(), "", 900)).contains("wait 15 minutes");
        assertThat(HumanErrors.sentence("SVC2007", List.of("devId"),
                "an update or a settings delivery is already under way on this device (o-1)", 0))
                .startsWith("An update or your settings are already on their way");
    }

    @Test
    void theRequestErrorAndRetryInfoOfAStatusMakeTheSentence() {
        var detail = org.omatwin.proto.twinning.v1.ExceptionDetail.newBuilder().setMessageId("POL2005")
                .setText("too many").build();
        var status = com.google.rpc.Status.newBuilder().setCode(io.grpc.Status.Code.RESOURCE_EXHAUSTED.value())
                .addDetails(com.google.protobuf.Any.pack(org.omatwin.proto.twinning.v1.RequestError.newBuilder()
                        .setPolicyException(detail.toBuilder().addVariables("activationCode")).build()))
                .addDetails(com.google.protobuf.Any.pack(com.google.rpc.RetryInfo.newBuilder()
                        .setRetryDelay(com.google.protobuf.Duration.newBuilder().setSeconds(600)).build()))
                .build();
        var e = io.grpc.protobuf.StatusProto.toStatusRuntimeException(status);
        assertThat(HumanErrors.of(e).getMessage()).contains("wait 10 minutes");
        assertThat(HumanErrors.variables(e)).containsExactly("activationCode");
        var bare = io.grpc.Status.UNAUTHENTICATED.asRuntimeException();
        assertThat(HumanErrors.of(bare).getMessage()).isEqualTo("Your session has expired. Please sign in again.");
        assertThat(HumanErrors.variables(bare)).isEmpty();
    }
}
