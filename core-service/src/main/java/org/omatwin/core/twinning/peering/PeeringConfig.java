package org.omatwin.core.twinning.peering;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.omatwin.core.twinning.DeviceAddress;
import org.omatwin.core.twinning.Mno;

/**
 * The partner directory (HLF-IC-*): which MNOs we twin across, where their peering endpoints are, which
 * certificate authorities vouch for them, and our own certificate. Read from environment variables:
 *
 * <pre>
 * TWIN_PEERS=310-410,208-01                 partners, as MCC-MNC
 * TWIN_PEER_310_410_ENDPOINT=host:port      the partner's peering listener
 * TWIN_PEER_310_410_CA=/path/ca.pem         trust anchors for the partner's certificates (PEM)
 * TWIN_PEER_310_410_NAME=peer.mno-b.example the name its certificate must carry (DNS SAN or CN)
 * TWIN_PEER_310_410_PREFIXES=tel:+1555      the partner's subscribers' address prefixes ("*": any)
 * TWIN_PEER_PORT, TWIN_PEER_CERT, TWIN_PEER_KEY  our listener, certificate chain and PKCS#8 key (PEM)
 * </pre>
 */
public record PeeringConfig(
        String bindAddress,
        int port,
        Path certificateChain,
        Path privateKey,
        Duration callTimeout,
        int maxPendingPerPartner,
        Map<String, String> serviceEndpoints,
        List<Partner> partners) {

    /**
     * One partner MNO. It may name as its subscribers only addresses starting with one of its prefixes
     * ("*" accepts any address: only for a partner whose ranges cannot be listed).
     */
    public record Partner(Mno mno, String endpoint, Path trustAnchors, String certificateName,
            List<String> addressPrefixes) {
        public Partner {
            addressPrefixes = List.copyOf(addressPrefixes);
        }

        /** Whether the partner may name {@code device} as one of its subscribers. */
        public boolean serves(DeviceAddress device) {
            return addressPrefixes.contains("*") || addressPrefixes.stream().anyMatch(device.value()::startsWith);
        }
    }

    public boolean enabled() {
        return !partners.isEmpty();
    }

    public static PeeringConfig from(Map<String, String> env, String defaultBind, String defaultTokenEndpoint) {
        List<Partner> partners = new ArrayList<>();
        for (String id : list(env.get("TWIN_PEERS"))) {
            Mno mno;
            try {
                mno = Mno.parse(id);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("TWIN_PEERS: '" + id + "' is not MCC-MNC (for example 310-410)");
            }
            String prefix = "TWIN_PEER_" + mno.mcc() + "_" + mno.mnc() + "_";
            String endpoint = required(env, prefix + "ENDPOINT");
            if (!endpoint.matches("[A-Za-z0-9.\\-\\[\\]:]+:[0-9]{1,5}")) {
                throw new IllegalArgumentException(prefix + "ENDPOINT must be host:port, got '" + endpoint + "'");
            }
            // Required: without ranges a partner could claim our own subscribers as its own.
            List<String> prefixes = list(required(env, prefix + "PREFIXES"));
            partners.add(new Partner(mno, endpoint, readable(env, prefix + "CA"), required(env, prefix + "NAME"),
                    prefixes));
        }
        if (partners.stream().map(Partner::mno).distinct().count() != partners.size()) {
            throw new IllegalArgumentException("TWIN_PEERS names a partner twice");
        }
        String bind = value(env, "TWIN_PEER_BIND_ADDRESS", defaultBind);
        int port = integer(env, "TWIN_PEER_PORT", 9443, 0, 65535);
        long timeoutMs = integer(env, "TWIN_PEER_TIMEOUT_MS", 3_000, 100, 60_000);
        int maxPending = integer(env, "TWIN_PEER_MAX_PENDING_CODES", 10_000, 1, 100_000);
        Map<String, String> endpoints = new LinkedHashMap<>();
        if (defaultTokenEndpoint != null) {
            endpoints.put("token", defaultTokenEndpoint);
        }
        for (String pair : list(env.get("TWIN_PEER_SERVICE_ENDPOINTS"))) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || eq == pair.length() - 1) {
                throw new IllegalArgumentException("TWIN_PEER_SERVICE_ENDPOINTS is name=url,name=url; got '" + pair
                        + "'");
            }
            endpoints.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
        }
        if (partners.isEmpty()) {
            return new PeeringConfig(bind, port, null, null, Duration.ofMillis(timeoutMs), maxPending,
                    Map.copyOf(endpoints), List.of());
        }
        return new PeeringConfig(bind, port, readable(env, "TWIN_PEER_CERT"), readable(env, "TWIN_PEER_KEY"),
                Duration.ofMillis(timeoutMs), maxPending, Map.copyOf(endpoints), List.copyOf(partners));
    }

    private static List<String> list(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private static String value(Map<String, String> env, String name, String fallback) {
        String v = env.get(name);
        return v == null || v.isBlank() ? fallback : v.strip();
    }

    private static String required(Map<String, String> env, String name) {
        String v = value(env, name, null);
        if (v == null) {
            throw new IllegalArgumentException(name + " is required (see the README's peering section)");
        }
        return v;
    }

    private static Path readable(Map<String, String> env, String name) {
        Path path = Path.of(required(env, name));
        if (!Files.isReadable(path)) {
            throw new IllegalArgumentException(name + ": cannot read " + path);
        }
        return path;
    }

    private static int integer(Map<String, String> env, String name, int fallback, int min, int max) {
        String v = value(env, name, null);
        if (v == null) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(v);
            if (parsed < min || parsed > max) {
                throw new IllegalArgumentException(name + " must be between " + min + " and " + max);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, got '" + v + "'");
        }
    }
}
