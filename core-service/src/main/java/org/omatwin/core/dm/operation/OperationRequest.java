package org.omatwin.core.dm.operation;

import java.time.Duration;
import java.util.Objects;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.error.ApiError;

/**
 * The body of {@code POST /dmwsi/v1/operations} after the edge resolved {@code deviceRef} to a devId.
 * Records compare by value: a retried request with the same clientCorrelator is "the same body" when
 * the two requests are equal.
 */
public record OperationRequest(OperationType type, OperationArguments arguments, DevId devId, SessionMode mode,
        String notifyUrl, String callbackData, String clientCorrelator, Integer timeoutSeconds) {

    /** Section 4: the only clock that ends an operation, counted until its final result. */
    public static final int DEFAULT_TIMEOUT_SECONDS = 86_400;

    public OperationRequest {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(devId, "devId");
        arguments = arguments == null ? OperationArguments.NONE : arguments;
        mode = mode == null ? SessionMode.BACKGROUND : mode;
        if (timeoutSeconds != null && timeoutSeconds <= 0) {
            throw ApiException.of(ApiError.INVALID_INPUT, "timeoutSeconds must be positive", "timeoutSeconds");
        }
    }

    public static OperationRequest of(OperationType type, OperationArguments arguments, DevId devId) {
        return new OperationRequest(type, arguments, devId, null, null, null, null, null);
    }

    public OperationRequest withMode(SessionMode newMode) {
        return new OperationRequest(type, arguments, devId, newMode, notifyUrl, callbackData, clientCorrelator,
                timeoutSeconds);
    }

    public OperationRequest withClientCorrelator(String correlator) {
        return new OperationRequest(type, arguments, devId, mode, notifyUrl, callbackData, correlator,
                timeoutSeconds);
    }

    public OperationRequest withTimeoutSeconds(Integer seconds) {
        return new OperationRequest(type, arguments, devId, mode, notifyUrl, callbackData, clientCorrelator,
                seconds);
    }

    /** This request as kept with its operation: configure values only as digests ({@link ConfigValue#withoutSecret}). */
    public OperationRequest withoutSecrets() {
        if (arguments.values() == null) {
            return this;
        }
        OperationArguments a = arguments;
        return new OperationRequest(type, new OperationArguments(a.uris(),
                a.values().stream().map(ConfigValue::withoutSecret).toList(), a.packageId(), a.uri(), a.data(),
                a.componentId(), a.function(), a.periodSeconds(), a.commands()), devId, mode, notifyUrl, callbackData,
                clientCorrelator, timeoutSeconds);
    }

    public Duration timeout() {
        return Duration.ofSeconds(timeoutSeconds != null ? timeoutSeconds : DEFAULT_TIMEOUT_SECONDS);
    }
}
