package org.omatwin.core.infra.outbox;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.outbox.CallbackTargetPolicy;

/**
 * Refuses callback targets inside the operator's network (loopback, link-local, private, unique-local,
 * carrier-grade NAT, multicast, unspecified), so that subscriptions cannot make the server probe or call
 * internal hosts (SSRF). Checked when subscribing and again before every delivery, since DNS answers
 * change. Hosts in the operator's allow list are exempt.
 */
public final class CallbackTargets implements CallbackTargetPolicy {
    private final Set<String> allowed;

    public CallbackTargets(Set<String> allowedHosts) {
        this.allowed = allowedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(
                java.util.stream.Collectors.toUnmodifiableSet());
    }

    @Override
    public void check(URI url) {
        String host = url.getHost();
        if (host == null) {
            throw refused("notifyURL has no host");
        }
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (allowed.contains(bare.toLowerCase(Locale.ROOT))) {
            return;
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(bare);
        } catch (UnknownHostException e) {
            throw refused("the host of notifyURL cannot be resolved");
        }
        for (InetAddress a : addresses) {
            if (isInternal(a)) {
                throw refused("notifyURL must not point into a private, loopback or link-local network");
            }
        }
    }

    static boolean isInternal(InetAddress a) {
        if (a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress() || a.isAnyLocalAddress()
                || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return first == 0 || (first == 100 && second >= 64 && second <= 127) // 100.64/10 CGNAT
                    || (first == 192 && second == 0 && (b[2] & 0xff) == 0) // 192.0.0/24
                    || (first == 198 && (second == 18 || second == 19)) // benchmarking
                    || first >= 240;
        }
        if (a instanceof Inet6Address) {
            boolean uniqueLocal = (b[0] & 0xfe) == 0xfc; // fc00::/7
            boolean mappedV4 = isV4Mapped(b);
            if (mappedV4) {
                try {
                    return isInternal(InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, 12, 16)));
                } catch (UnknownHostException e) {
                    return true;
                }
            }
            return uniqueLocal;
        }
        return true;
    }

    private static boolean isV4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
    }

    private static ApiException refused(String text) {
        return ApiException.of(ApiError.INVALID_INPUT, text, "callbackReference.notifyURL");
    }
}
