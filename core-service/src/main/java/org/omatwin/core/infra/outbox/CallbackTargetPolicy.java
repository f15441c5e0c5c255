package org.omatwin.core.infra.outbox;

import java.net.InetAddress;
import java.net.URI;

/** Decides whether the server may call a notifyURL; throws the contract's error when it may not. */
@FunctionalInterface
public interface CallbackTargetPolicy {
    void check(URI notifyUrl);

    /**
     * Checks {@code notifyUrl} and returns the address that passed the check, the one to connect to
     * (no second resolution between check and connection). The default, for policies that do not
     * resolve, resolves the host after the check: only for tests and the development mode.
     */
    default InetAddress resolve(URI notifyUrl) {
        check(notifyUrl);
        String host = notifyUrl.getHost();
        try {
            return InetAddress.getByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        } catch (java.net.UnknownHostException e) {
            throw org.omatwin.core.infra.error.ApiException.of(org.omatwin.core.infra.error.ApiError.INVALID_INPUT,
                    "the host of notifyURL cannot be resolved", "callbackReference.notifyURL");
        }
    }
}
