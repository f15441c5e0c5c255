package org.omatwin.portal.core;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.List;
import org.omatwin.proto.twinning.v1.ExceptionDetail;
import org.omatwin.proto.twinning.v1.RequestError;

/**
 * Every error from the core as a human sentence: the OMA messageId of the RequestError detail (and its
 * variables) decides; a status name or a stack trace never reaches the page.
 */
public final class HumanErrors {
    static final String UNAVAILABLE = "The service is not available right now. Please try again in a few minutes.";

    private HumanErrors() {}

    public static CoreError of(StatusRuntimeException e) {
        ExceptionDetail detail = detail(e);
        if (detail == null) {
            return new CoreError(e.getStatus().getCode() == Status.Code.UNAUTHENTICATED
                    ? "Your session has expired. Please sign in again." : UNAVAILABLE, "");
        }
        RetryInfo retry = detail(e, RetryInfo.class);
        return new CoreError(sentence(detail.getMessageId(), detail.getVariablesList(), detail.getText(),
                retry == null ? 0 : retry.getRetryDelay().getSeconds()), detail.getMessageId());
    }

    /** The variables of the error's RequestError detail (which element or resource it names); none: empty. */
    static List<String> variables(StatusRuntimeException e) {
        ExceptionDetail detail = detail(e);
        return detail == null ? List.of() : detail.getVariablesList();
    }

    /** The service or policy exception of the error's RequestError detail, or null. */
    private static ExceptionDetail detail(StatusRuntimeException e) {
        RequestError r = detail(e, RequestError.class);
        return r == null ? null : r.hasServiceException() ? r.getServiceException() : r.getPolicyException();
    }

    /** The status's first detail of that type, or null (an undecodable detail counts as absent). */
    private static <T extends com.google.protobuf.Message> T detail(StatusRuntimeException e, Class<T> type) {
        com.google.rpc.Status status = StatusProto.fromThrowable(e);
        if (status != null) {
            for (var any : status.getDetailsList()) {
                try {
                    if (any.is(type)) {
                        return any.unpack(type);
                    }
                } catch (InvalidProtocolBufferException ignored) {
                    // an undecodable detail is treated as absent
                }
            }
        }
        return null;
    }

    static String sentence(String messageId, List<String> variables, String text, long retrySeconds) {
        return switch (messageId) {
            case "SVC0002", "SVC2004" -> {
                if (variables.contains("activationCode")) {
                    yield "That code is wrong, already used or expired. Ask the device for a new code and try again.";
                }
                if (variables.contains("name")) {
                    yield text.contains("already used")
                            ? "You already use that name for another device. Please choose another name."
                            : "A name has 1 to 64 characters.";
                }
                yield "Some of what you entered is not valid. Please check it and try again.";
            }
            case "SVC2006" -> variables.contains("activationCode") ? "Please enter the code shown on the device."
                    : "Please fill in every required field.";
            case "SVC2008", "SVC0004" ->
                    "That device is no longer twinned with your line.";
            case "SVC2007" -> text.contains("already under way")
                    ? "An update or your settings are already on their way to this device. "
                            + "Please wait until that has finished."
                    : "Someone changed this device at the same moment. Please try again.";
            case "SVC2003" -> "Your session has expired. Please sign in again.";
            case "POL2003" -> "You are not allowed to do that. Please sign in again.";
            case "POL2008" -> "This line already has the most twinned devices allowed. "
                    + "Remove one before adding another.";
            case "POL2005" -> "Too many wrong codes were entered. Please wait "
                    + (retrySeconds > 90 ? (retrySeconds + 59) / 60 + " minutes" : "a minute") + " and try again.";
            case "POL2000" -> "That device is already twinned with another phone. "
                    + "Remove it there first, then ask it for a new code.";
            case "POL1037" -> "These two devices cannot be twinned this way: a phone that has twinned devices "
                    + "cannot itself become a twinned device, and the other way round.";
            case "POL1038" -> "That change is not allowed for this device.";
            default -> UNAVAILABLE;
        };
    }
}
