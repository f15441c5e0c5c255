package org.omatwin.core.twinning.peering;

import com.google.protobuf.Timestamp;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import org.omatwin.core.twinning.api.TwinningMapper;
import org.omatwin.core.twinning.peering.PeeringConfig.Partner;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.twinning.DeviceAddress;
import org.omatwin.core.twinning.PartnerUseCases;
import org.omatwin.core.twinning.Peers;
import org.omatwin.core.twinning.Role;
import org.omatwin.core.twinning.TwinningStatus;
import org.omatwin.proto.peering.v1.MnoPeeringServiceGrpc;
import org.omatwin.proto.peering.v1.PropagateDeactivationRequest;
import org.omatwin.proto.peering.v1.PropagateDeactivationResponse;
import org.omatwin.proto.peering.v1.PropagateStatusRequest;
import org.omatwin.proto.peering.v1.PropagateStatusResponse;
import org.omatwin.proto.peering.v1.RedeemActivationCodeRequest;
import org.omatwin.proto.peering.v1.RedeemActivationCodeResponse;
import org.omatwin.proto.peering.v1.RequestActivationCodeRequest;
import org.omatwin.proto.peering.v1.RequestActivationCodeResponse;
import org.omatwin.proto.peering.v1.UpdateSecondaryRequest;
import org.omatwin.proto.peering.v1.UpdateSecondaryResponse;

/**
 * {@code oma.twinning.peering.v1.MnoPeeringService}: translates partner calls to {@link PartnerUseCases}.
 * The one rule added here is the edge check: an address the partner names as its own subscriber must
 * be in the partner's configured address ranges.
 */
public final class PeeringGrpcService extends MnoPeeringServiceGrpc.MnoPeeringServiceImplBase {
    private static final int MAX_REQUEST_ID = 64;

    private final PartnerUseCases partners;

    public PeeringGrpcService(PartnerUseCases partners) {
        this.partners = partners;
    }

    @Override
    public void requestActivationCode(RequestActivationCodeRequest request,
            StreamObserver<RequestActivationCodeResponse> response) {
        Partner partner = PeerContext.partner();
        requestId(request.getRequestId());
        DeviceAddress secondary = theirs(partner, request.getSecondaryAddress(), "secondary_address");
        Peers.IssuedCode code = partners.issueCode(partner.mno(), secondary);
        reply(response, RequestActivationCodeResponse.newBuilder()
                .setCode(code.code())
                .setMcc(code.issuer().mcc())
                .setMnc(code.issuer().mnc())
                .setExpiryTime(TwinningMapper.timestamp(code.expiresAt()))
                .build());
    }

    @Override
    public void redeemActivationCode(RedeemActivationCodeRequest request,
            StreamObserver<RedeemActivationCodeResponse> response) {
        Partner partner = PeerContext.partner();
        String requestId = requestId(request.getRequestId());
        DeviceAddress primary = theirs(partner, request.getPrimaryAddress(), "primary_address");
        DeviceAddress secondary = partners.redeem(partner.mno(), requestId, request.getCode(), primary);
        reply(response, RedeemActivationCodeResponse.newBuilder().setSecondaryAddress(secondary.value()).build());
    }

    @Override
    public void updateSecondary(UpdateSecondaryRequest request, StreamObserver<UpdateSecondaryResponse> response) {
        Partner partner = PeerContext.partner();
        String requestId = requestId(request.getRequestId());
        DeviceAddress primary = theirs(partner, request.getPrimaryAddress(), "primary_address");
        DeviceAddress secondary = DeviceAddress.parse(request.getSecondaryAddress(), "secondary_address");
        DeviceAddress voiceMail = request.getPrimaryVmAddress().isEmpty() ? null
                : DeviceAddress.parse(request.getPrimaryVmAddress(), "primary_vm_address");
        TwinningStatus status = partners.updateSecondary(partner.mno(), new Peers.SecondaryUpdate(requestId, secondary,
                primary, blankToNull(request.getName()), blankToNull(request.getAuthCode()), voiceMail,
                request.getActivation()), request.getServiceEndpointsMap());
        reply(response, UpdateSecondaryResponse.newBuilder().setTwinningStatus(status.omaName()).build());
    }

    @Override
    public void propagateStatus(PropagateStatusRequest request, StreamObserver<PropagateStatusResponse> response) {
        Partner partner = PeerContext.partner();
        requestId(request.getRequestId());
        Role actor = role(request.getActorRole());
        DeviceAddress secondary = address(partner, request.getSecondaryAddress(), "secondary_address",
                actor == Role.SECONDARY);
        DeviceAddress primary = address(partner, request.getPrimaryAddress(), "primary_address", actor == Role.PRIMARY);
        TwinningStatus status = TwinningStatus.fromToggle(request.getTwinningStatus())
                .orElseThrow(() -> ApiException.of(ApiError.INVALID_INPUT, "twinning_status must be On or Off",
                        "twinning_status"));
        if (!request.hasChangedTime()) {
            throw ApiException.of(ApiError.MISSING_ELEMENT, "changed_time is missing", "changed_time");
        }
        TwinningStatus now = partners.applyStatus(partner.mno(), secondary, primary, actor, status,
                instant(request.getChangedTime()));
        reply(response, PropagateStatusResponse.newBuilder().setTwinningStatus(now.omaName()).build());
    }

    @Override
    public void propagateDeactivation(PropagateDeactivationRequest request,
            StreamObserver<PropagateDeactivationResponse> response) {
        Partner partner = PeerContext.partner();
        requestId(request.getRequestId());
        Role actor = role(request.getActorRole());
        String activation = request.getActivationRequestId().isEmpty() ? null
                : requestId(request.getActivationRequestId());
        DeviceAddress secondary = request.getSecondaryAddress().isEmpty() && activation != null ? null
                : address(partner, request.getSecondaryAddress(), "secondary_address", actor == Role.SECONDARY);
        DeviceAddress primary = request.getPrimaryAddress().isEmpty() && actor == Role.SECONDARY && activation == null
                ? null
                : address(partner, request.getPrimaryAddress(), "primary_address", actor == Role.PRIMARY);
        partners.applyDeactivation(partner.mno(), secondary, primary, actor, activation);
        reply(response, PropagateDeactivationResponse.getDefaultInstance());
    }

    /** An address of the partner's subscriber ({@code theirs}) or of ours. */
    private static DeviceAddress address(Partner partner, String value, String element, boolean theirs) {
        return theirs ? theirs(partner, value, element) : DeviceAddress.parse(value, element);
    }

    private static DeviceAddress theirs(Partner partner, String value, String element) {
        DeviceAddress device = DeviceAddress.parse(value, element);
        if (!partner.serves(device)) {
            throw ApiException.of(ApiError.NOT_PERMITTED, device.value() + " is not in the address ranges of MNO "
                    + partner.mno().id(), element);
        }
        return device;
    }

    private static Role role(String value) {
        return Role.fromOma(value).orElseThrow(() -> ApiException.of(ApiError.INVALID_INPUT,
                "actor_role must be Primary or Secondary", "actor_role"));
    }

    private static String requestId(String value) {
        if (value.isEmpty() || value.length() > MAX_REQUEST_ID || !value.matches("[\\x21-\\x7e]+")) {
            throw ApiException.of(ApiError.INVALID_INPUT, "request_id must be 1-64 printable ASCII characters", "request_id");
        }
        return value;
    }

    private static String blankToNull(String s) {
        return s.isEmpty() ? null : s;
    }

    private static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

    private static <T> void reply(StreamObserver<T> response, T value) {
        response.onNext(value);
        response.onCompleted();
    }
}
