package org.omatwin.core.auth;

import io.grpc.Context;
import org.omatwin.core.error.ApiException;
import org.omatwin.core.error.OmaError;
import org.omatwin.core.twinning.DeviceAddress;

/**
 * The one place where the calling device's address reaches the service: an interceptor at the edge
 * authenticates the call and stores the device here; every RPC resolves its path user through
 * {@link #resolveUser(String)}.
 */
public final class CallerContext {
    static final Context.Key<DeviceAddress> DEVICE = Context.key("twinning-caller-device");

    private CallerContext() {}

    /**
     * Resolves the {userId} of the path: "acr:auth" is the authenticated device; any other value must be
     * a valid address and, when a device is authenticated, that very device (POL2003).
     */
    public static DeviceAddress resolveUser(String pathUserId) {
        DeviceAddress authenticated = DEVICE.get();
        if (pathUserId == null || pathUserId.isEmpty()) {
            throw ApiException.of(OmaError.SVC2006, "the user address is missing from the path", "userId");
        }
        if (DeviceAddress.ACR_AUTH.equals(pathUserId)) {
            if (authenticated == null) {
                throw ApiException.of(OmaError.SVC2003, "acr:auth needs an authenticated device", "acr:auth");
            }
            return authenticated;
        }
        DeviceAddress user = DeviceAddress.parse(pathUserId, "userId");
        if (authenticated != null && !authenticated.equals(user)) {
            throw ApiException.of(OmaError.POL2003, "the caller may act only for its own device", "userId");
        }
        return user;
    }
}
