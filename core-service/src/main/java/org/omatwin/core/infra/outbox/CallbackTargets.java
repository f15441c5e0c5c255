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

/**
 * Refuses callback targets inside the operator's network (loopback, link-local, private, unique-local,
 * carrier-grade NAT, multicast, unspecified, and the IPv6 forms that embed such an IPv4 address:
 * IPv4-compatible and mapped, NAT64 and 6to4), so that subscriptions cannot make the server probe or
 * call internal hosts (SSRF). Checked when subscribing and again before every delivery, since DNS
 * answers change; each delivery connects to the address it checked. Hosts in the operator's allow
 * list are exempt.
 */
public final class CallbackTargets implements CallbackTargetPolicy {
    private final Set<String> allowed;

    public CallbackTargets(Set<String> allowedHosts) {
        this.allowed = allowedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(
                java.util.stream.Collectors.toUnmodifiableSet());
    }

    @Override
    public void check(URI url) {
        resolve(url);
    }

    /**
     * Resolves the host of {@code url} once and checks every address it has; returns the one to
     * connect to. The sender connects to this very address (see {@link CallbackSender}), so a DNS
     * answer that changes between the check and the connection (DNS rebinding) cannot reach an
     * internal host.
     */
    @Override
    public InetAddress resolve(URI url) {
        String host = url.getHost();
        if (host == null) {
            throw refused("notifyURL has no host");
        }
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(bare);
        } catch (UnknownHostException e) {
            throw refused("the host of notifyURL cannot be resolved");
        }
        if (addresses.length == 0) {
            throw refused("the host of notifyURL cannot be resolved");
        }
        if (allowed.contains(bare.toLowerCase(Locale.ROOT))) {
            return addresses[0];
        }
        for (InetAddress a : addresses) {
            if (isInternal(a)) {
                throw refused("notifyURL must not point into a private, loopback or link-local network");
            }
        }
        return addresses[0];
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
            int w0 = ((b[0] & 0xff) << 8) | (b[1] & 0xff);
            int w1 = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
            int w2 = ((b[4] & 0xff) << 8) | (b[5] & 0xff);
            if ((b[0] & 0xfe) == 0xfc // fc00::/7 unique local
                    || (b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0xc0 // fec0::/10 site local (deprecated)
                    || (w0 == 0x0064 && w1 == 0xff9b && w2 == 0x0001) // 64:ff9b:1::/48 local-use NAT64 (RFC 8215)
                    || (w0 == 0x2001 && w1 == 0x0000) // 2001::/32 Teredo: tunnels to an IPv4 host
                    || (w0 == 0x0100 && w1 == 0 && w2 == 0 && b[6] == 0 && b[7] == 0)) { // 100::/64 discard
                return true;
            }
            // Forms that embed an IPv4 address the packets end up at: the IPv4 address decides.
            if (zeros(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) { // ::ffff:0:0/96 mapped
                return isInternal(v4(b, 12));
            }
            if (zeros(b, 0, 12)) { // ::/96 IPv4-compatible (deprecated), e.g. [::127.0.0.1]
                return isInternal(v4(b, 12));
            }
            if (w0 == 0x0064 && w1 == 0xff9b && zeros(b, 4, 12)) { // 64:ff9b::/96 well-known NAT64 (RFC 6052)
                return isInternal(v4(b, 12));
            }
            if (w0 == 0x2002) { // 2002::/16 6to4 (RFC 3056): the relay's IPv4 address in bits 16-47
                return isInternal(v4(b, 2));
            }
            return false;
        }
        return true;
    }

    private static boolean zeros(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static InetAddress v4(byte[] b, int at) {
        try {
            return InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, at, at + 4));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always an IPv4 address
        }
    }

    private static ApiException refused(String text) {
        return ApiException.of(ApiError.INVALID_INPUT, text, "callbackReference.notifyURL");
    }
}
