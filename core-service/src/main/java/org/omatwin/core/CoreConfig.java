package org.omatwin.core;

import org.omatwin.core.infra.storage.DatabaseSettings;
import org.omatwin.core.twinning.peering.PeeringConfig;
import org.omatwin.core.infra.partner.PartnerListener;
import org.omatwin.core.dm.delegation.SecondaryServer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.security.SecureRandom;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.omatwin.core.dm.policy.Policies;
import org.omatwin.core.dm.policy.PolicyFile;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.omatwin.core.dm.network.NetworkParameters;
import org.omatwin.core.infra.outbox.NotifyPolicy;
import org.omatwin.core.twinning.Mno;
import org.omatwin.core.twinning.TwinningPolicy;

/**
 * Every setting of the core, read from environment variables in this one place, with safe defaults.
 * The README's configuration table lists the same names.
 */
public record CoreConfig(
        String bindAddress,
        int httpPort,
        int grpcPort,
        String publicUrl,
        String databaseUrl,
        String databaseUser,
        String databasePassword,
        int databasePoolSize,
        Path dataDir,
        Mno ownMno,
        TwinningPolicy policy,
        byte[] codeHashKey,
        long maxBodyBytes,
        boolean devCallerHeader,
        Duration subscriptionDefaultDuration,
        Duration subscriptionMaxDuration,
        int maxSubscriptionsPerDevice,
        NotifyPolicy notifyPolicy,
        Auth auth,
        PeeringConfig peering,
        PartnerListener.Settings partnerListener,
        String demoSubscribers,
        Dm dm) {

    /**
     * Device management: the device surface's own port (TWIN_DM_HTTPS_PORT, HTTPS with the configured
     * certificate or a self-signed one made once in the data dir; plain HTTP only with
     * TWIN_DM_PLAIN_HTTP=true, for development), the base URL command URLs point at, and the session rules.
     */
    public record Dm(int port, boolean plainHttp, String tlsCertificate, String tlsKey, String publicUrl,
            int commandsPerPackage, Duration unreportedTimeout, int maxSubscriptionsPerClient,
            NetworkParameters networkParameters, Policies policies, byte[] pseudonymKey, int retentionDays,
            java.net.URI gatewayUrl, Duration gatewayDelay, Path packageDir, long packageMaxBytes,
            Path packageOriginators, int maxJobsPerClient, int jobWorkers, List<SecondaryServer> secondaries) {
        /** The device surface's public base (…/dm/v2); by default https://localhost:{bound port}/dm/v2. */
        public String publicUrlFor(int boundPort) {
            return publicUrl != null ? publicUrl : (plainHttp ? "http" : "https") + "://localhost:" + boundPort + "/dm/v2";
        }
    }

    /**
     * How callers are authenticated: "jwt" (OAuth 2.0 bearer tokens from the issuer) or "dev" (the
     * development-only caller header, for running the core without an authorization server).
     */
    public record Auth(String mode, String issuer, String jwksUrl, String audience, Duration clockSkew,
            String authCodeUrl, String coreClientSecret) {
        public boolean jwt() {
            return "jwt".equals(mode);
        }
    }

    public static CoreConfig fromEnvironment() {
        return from(System.getenv());
    }

    public static CoreConfig from(Map<String, String> env) {
        Reader r = new Reader(env);
        String bind = r.string("TWIN_BIND_ADDRESS", "127.0.0.1");
        int httpPort = r.integer("TWIN_HTTP_PORT", 8080, 0, 65535);
        int grpcPort = r.integer("TWIN_GRPC_PORT", 9090, 0, 65535);
        TwinningPolicy defaults = TwinningPolicy.defaults();
        TwinningPolicy policy = new TwinningPolicy(
                r.integer("TWIN_MAX_SECONDARIES", defaults.maxSecondaries(), 1, 1000),
                Duration.ofSeconds(r.integer("TWIN_CODE_TTL_SECONDS", (int) defaults.codeLifetime().toSeconds(), 30,
                        86_400)),
                r.integer("TWIN_MAX_CODE_FAILURES", defaults.maxFailedAttempts(), 1, 1000),
                Duration.ofSeconds(r.integer("TWIN_CODE_FAILURE_WINDOW_SECONDS",
                        (int) defaults.attemptWindow().toSeconds(), 1, 86_400)),
                r.string("TWIN_DEFAULT_NAME_PREFIX", defaults.defaultNamePrefix()));
        String key = env.get("TWIN_CODE_HASH_KEY");
        PeeringConfig peering = peering(env, bind);
        Dm dm = dm(r, env);
        return new CoreConfig(
                bind,
                httpPort,
                grpcPort,
                env.get("TWIN_PUBLIC_URL") == null || env.get("TWIN_PUBLIC_URL").isBlank() ? null
                        : stripSlash(env.get("TWIN_PUBLIC_URL").strip()),
                env.get("TWIN_DATABASE_URL"),
                r.string("TWIN_DATABASE_USER", "twinning"),
                r.string("TWIN_DATABASE_PASSWORD", ""),
                r.integer("TWIN_DATABASE_POOL_SIZE", 16, 1, 500),
                Path.of(r.string("TWIN_DATA_DIR", "twinning-data")).toAbsolutePath(),
                new Mno(r.string("TWIN_MCC", "001"), r.string("TWIN_MNC", "01")),
                policy,
                key == null || key.isBlank() ? null : Base64.getDecoder().decode(key.strip()),
                r.integer("TWIN_MAX_BODY_BYTES", 16_384, 256, 1_048_576),
                Boolean.parseBoolean(r.string("TWIN_DEV_CALLER_HEADER", "true"))
                        && "dev".equals(r.string("TWIN_AUTH_MODE", "jwt")),
                Duration.ofSeconds(r.integer("TWIN_SUBSCRIPTION_DEFAULT_SECONDS", 86_400, 60, 31_536_000)),
                Duration.ofSeconds(r.integer("TWIN_SUBSCRIPTION_MAX_SECONDS", 2_592_000, 60, 31_536_000)),
                r.integer("TWIN_MAX_SUBSCRIPTIONS", 10, 1, 1000),
                new NotifyPolicy(
                        Duration.ofMillis(r.integer("TWIN_NOTIFY_TIMEOUT_MS", 5_000, 100, 60_000)),
                        Duration.ofMillis(r.integer("TWIN_NOTIFY_BACKOFF_MS", 1_000, 10, 3_600_000)),
                        Duration.ofMillis(r.integer("TWIN_NOTIFY_BACKOFF_MAX_MS", 300_000, 10, 86_400_000)),
                        Duration.ofSeconds(r.integer("TWIN_NOTIFY_RETRY_HORIZON_SECONDS", 86_400, 1, 2_592_000)),
                        r.integer("TWIN_NOTIFY_MAX_IN_FLIGHT", 64, 1, 10_000),
                        java.util.Arrays.stream(r.string("TWIN_NOTIFY_ALLOW_HOSTS", "").split("\\s*,\\s*"))
                                .filter(h -> !h.isBlank()).collect(Collectors.toUnmodifiableSet())),
                auth(r),
                peering,
                partnerListener(r, peering, dm.secondaries()),
                // self-care portal: demo subscribers and their lines, seeded at start (embedded default run)
                r.string("TWIN_DEMO_SUBSCRIBERS", ""),
                dm);
    }

    private static Dm dm(Reader r, Map<String, String> env) {
        String cert = r.string("TWIN_DM_TLS_CERT", "");
        String key = r.string("TWIN_DM_TLS_KEY", "");
        if (cert.isEmpty() != key.isEmpty()) {
            throw new IllegalArgumentException("TWIN_DM_TLS_CERT and TWIN_DM_TLS_KEY go together (PEM files)");
        }
        String url = r.string("TWIN_DM_PUBLIC_URL", "");
        return new Dm(r.integer("TWIN_DM_HTTPS_PORT", 8443, 0, 65535),
                Boolean.parseBoolean(r.string("TWIN_DM_PLAIN_HTTP", "false")),
                cert.isEmpty() ? null : cert, key.isEmpty() ? null : key,
                url.isEmpty() ? null : stripSlash(url),
                r.integer("TWIN_DM_COMMANDS_PER_PACKAGE", 20, 1, 1000),
                Duration.ofSeconds(r.integer("TWIN_DM_SESSION_TIMEOUT_SECONDS", 300, 10, 86_400)),
                r.integer("TWIN_DM_MAX_SUBSCRIPTIONS_PER_CLIENT", 1_000, 1, 1_000_000),
                networkParameters(r.string("TWIN_DM_NETWORK_PARAMETERS", "")),
                policies(r.string("TWIN_DM_POLICIES", "")),
                pseudonymKey(r.string("TWIN_DM_PSEUDONYM_KEY", "")),
                r.integer("TWIN_DM_RETENTION_DAYS", 30, 1, 3650),
                gatewayUrl(r.string("TWIN_DM_GATEWAY_URL", "")),
                Duration.ofSeconds(r.integer("TWIN_DM_GATEWAY_DELAY_SECONDS", 30, 1, 86_400)),
                // section 8: the shared package store (default: packages/ in the data dir), the largest
                // content accepted (default 2 GiB), and the PEM file of the approved originators' CAs
                r.string("TWIN_DM_PACKAGE_DIR", "").isBlank() ? null
                        : Path.of(r.string("TWIN_DM_PACKAGE_DIR", "")).toAbsolutePath(),
                packageMaxBytes(r.string("TWIN_DM_PACKAGE_MAX_BYTES", Long.toString(2L << 30))),
                r.string("TWIN_DM_PACKAGE_ORIGINATORS", "").isBlank() ? null
                        : Path.of(r.string("TWIN_DM_PACKAGE_ORIGINATORS", "")).toAbsolutePath(),
                r.integer("TWIN_DM_MAX_JOBS_PER_CLIENT", 20, 1, 10_000),
                r.integer("TWIN_DM_JOB_WORKERS", 2, 1, 64),
                secondaries(r));
    }

    /**
     * Section 11: the secondary DM servers (TWIN_DM_SECONDARIES=name,...), each with the CA its client
     * certificate must chain to (TWIN_DM_SECONDARY_{NAME}_CA, PEM) and the name it must carry
     * (TWIN_DM_SECONDARY_{NAME}_NAME, a DNS SAN or the CN). Its policy is the policy file's entry for
     * the client "secondary:{name}".
     */
    private static List<SecondaryServer> secondaries(Reader r) {
        List<SecondaryServer> servers = new java.util.ArrayList<>();
        for (String name : r.string("TWIN_DM_SECONDARIES", "").split("\\s*,\\s*")) {
            if (name.isBlank()) {
                continue;
            }
            if (!SecondaryServer.NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("TWIN_DM_SECONDARIES: '" + name + "' is not a name of lower case "
                        + "letters, digits and '-'");
            }
            String prefix = SecondaryServer.variablePrefix(name);
            Path ca = Path.of(required(r, prefix + "CA", "the README's secondary DM servers section"));
            if (!Files.isReadable(ca)) {
                throw new IllegalArgumentException(prefix + "CA: cannot read " + ca);
            }
            servers.add(new SecondaryServer(name, ca, required(r, prefix + "NAME",
                    "the README's secondary DM servers section")));
        }
        if (servers.stream().map(SecondaryServer::name).distinct().count() != servers.size()) {
            throw new IllegalArgumentException("TWIN_DM_SECONDARIES names a secondary DM server twice");
        }
        return List.copyOf(servers);
    }

    /**
     * The listener for other servers over mutual TLS (TWIN_PEER_PORT, TWIN_PEER_CERT, TWIN_PEER_KEY):
     * partner MNOs and secondary DM servers share it; null when there is neither.
     */
    private static PartnerListener.Settings partnerListener(Reader r, PeeringConfig peering,
            List<SecondaryServer> secondaries) {
        if (peering.enabled()) {
            return new PartnerListener.Settings(peering.bindAddress(), peering.port(), peering.certificateChain(),
                    peering.privateKey());
        }
        if (secondaries.isEmpty()) {
            return null;
        }
        Path[] files = new Path[2];
        String[] names = {"TWIN_PEER_CERT", "TWIN_PEER_KEY"};
        for (int i = 0; i < 2; i++) {
            files[i] = Path.of(required(r, names[i], "the README's secondary DM servers section"));
            if (!Files.isReadable(files[i])) {
                throw new IllegalArgumentException(names[i] + ": cannot read " + files[i]);
            }
        }
        return new PartnerListener.Settings(peering.bindAddress(), peering.port(), files[0], files[1]);
    }

    private static String required(Reader r, String name, String see) {
        String v = r.string(name, "");
        if (v.isEmpty()) {
            throw new IllegalArgumentException(name + " is required (see " + see + ")");
        }
        return v;
    }

    /**
     * Section 6: the external systems' policies from the JSON file named; none without one (every
     * client is then refused). A file that does not read stops start-up naming the line.
     */
    private static Policies policies(String file) {
        return file.isEmpty() ? Policies.NONE : fromFile("TWIN_DM_POLICIES", file, PolicyFile::parse);
    }

    /** The operator's pseudonym key (base64, at least 32 bytes), or null for one kept in the data dir. */
    private static byte[] pseudonymKey(String base64) {
        if (base64.isBlank()) {
            return null;
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("TWIN_DM_PSEUDONYM_KEY is base64 (openssl rand -base64 32)");
        }
        if (key.length < 32) {
            throw new IllegalArgumentException("TWIN_DM_PSEUDONYM_KEY has at least 32 bytes (openssl rand -base64 32)");
        }
        return key;
    }

    private static long packageMaxBytes(String text) {
        try {
            long n = Long.parseLong(text.strip());
            if (n >= 1 && n <= (1L << 53)) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException("TWIN_DM_PACKAGE_MAX_BYTES is a number of bytes from 1 to 2^53");
    }

    /** Section 7: the operator's device-notification gateway (SMS or push); absent: none. */
    private static java.net.URI gatewayUrl(String url) {
        if (url.isEmpty()) {
            return null;
        }
        java.net.URI uri;
        try {
            uri = new java.net.URI(url);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("TWIN_DM_GATEWAY_URL is not a URL: " + e.getMessage());
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                || uri.getUserInfo() != null) {
            throw new IllegalArgumentException("TWIN_DM_GATEWAY_URL must be an http(s) URL without credentials");
        }
        return uri;
    }

    /** ES8: the operator's network parameters from the JSON file named (none without one); checked whole. */
    private static NetworkParameters networkParameters(String file) {
        return file.isEmpty() ? NetworkParameters.NONE
                : fromFile("TWIN_DM_NETWORK_PARAMETERS", file, NetworkParameters::parse);
    }

    /** A file a variable names, read whole at start: a file that does not read stops start-up saying why. */
    private static <T> T fromFile(String variable, String file, java.util.function.Function<String, T> parse) {
        String text;
        try {
            text = Files.readString(Path.of(file));
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new IllegalArgumentException(variable + ": cannot read " + file + ": " + e);
        }
        try {
            return parse.apply(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(variable + " (" + file + "): " + e.getMessage());
        }
    }

    private static PeeringConfig peering(Map<String, String> env, String bind) {
        Auth auth = auth(new Reader(env));
        return PeeringConfig.from(env, bind, auth.jwt() ? stripSlash(auth.issuer()) + "/oauth2/token" : null);
    }

    private static Auth auth(Reader r) {
        // Secure by default: bearer tokens unless development mode is asked for explicitly.
        String mode = r.string("TWIN_AUTH_MODE", "jwt");
        if (!mode.equals("dev") && !mode.equals("jwt")) {
            throw new IllegalArgumentException("TWIN_AUTH_MODE must be jwt or dev");
        }
        String issuer = r.string("TWIN_AUTH_ISSUER", "");
        if (mode.equals("jwt") && issuer.isEmpty()) {
            throw new IllegalArgumentException("TWIN_AUTH_ISSUER is required (bearer tokens are the default): "
                    + "bin/run starts an authorization server and sets it; TWIN_AUTH_MODE=dev runs without "
                    + "authentication, for development only");
        }
        return new Auth(mode, issuer, r.string("TWIN_AUTH_JWKS_URL", stripSlash(issuer) + "/oauth2/jwks"),
                r.string("TWIN_AUTH_AUDIENCE", "twinning"),
                Duration.ofSeconds(r.integer("TWIN_AUTH_CLOCK_SKEW_SECONDS", 60, 0, 600)),
                r.string("TWIN_AUTH_CODE_URL", ""),
                r.string("TWIN_AUTH_CORE_CLIENT_SECRET", "twinning-core-secret"));
    }

    /** The public base URL of the REST API; by default http://localhost:{the bound HTTP port}. */
    public String publicUrlFor(int boundHttpPort) {
        return publicUrl != null ? publicUrl : "http://localhost:" + boundHttpPort;
    }

    /** Where the database is (TWIN_DATABASE_*, or embedded in TWIN_DATA_DIR). */
    public DatabaseSettings database() {
        return new DatabaseSettings(databaseUrl, databaseUser, databasePassword, databasePoolSize, dataDir);
    }

    /** The operator's key (TWIN_CODE_HASH_KEY), or for a single embedded instance one kept in the data dir. */
    byte[] operatorCodeKey() throws IOException {
        return secretKey(codeHashKey, "TWIN_CODE_HASH_KEY", "hash activation codes", "code-hash.key");
    }

    /**
     * A key every instance must share: the configured one, or for a single embedded instance one made
     * once and kept owner-only in the data dir; with an external database a missing key stops start-up.
     */
    byte[] secretKey(byte[] configured, String variable, String purpose, String fileName) throws IOException {
        if (configured != null) {
            return configured;
        }
        if (!embeddedDatabase()) {
            throw new IllegalStateException(variable + " is required with TWIN_DATABASE_URL: every instance "
                    + "must " + purpose + " with the same key (generate one with: openssl rand -base64 32)");
        }
        Path file = dataDir().resolve(fileName);
        if (!Files.exists(file)) {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            Files.createDirectories(dataDir());
            Files.write(file, key);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
        return Files.readAllBytes(file);
    }

    /** Whether the core runs its own PostgreSQL (no TWIN_DATABASE_URL given). */
    public boolean embeddedDatabase() {
        return databaseUrl == null || databaseUrl.isBlank();
    }

    @Override
    public String toString() {
        // Never print secrets (database password, code hash key).
        return "CoreConfig[bind=" + bindAddress + ", http=" + httpPort + ", grpc=" + grpcPort + ", publicUrl="
                + publicUrl + ", database=" + (embeddedDatabase() ? "embedded in " + dataDir : databaseUrl)
                + ", mno=" + ownMno + ", policy=" + policy + ", auth=" + auth.mode() + (auth.jwt() ? " issuer="
                + auth.issuer() : "") + ", partners=" + peering.partners().stream().map(p -> p.mno().id()).toList()
                + ", secondaryDmServers=" + dm.secondaries().stream().map(SecondaryServer::name).toList() + "]";
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private record Reader(Map<String, String> env) {
        String string(String name, String fallback) {
            String v = env.get(name);
            return v == null || v.isBlank() ? fallback : v.strip();
        }

        int integer(String name, int fallback, int min, int max) {
            String v = env.get(name);
            if (v == null || v.isBlank()) {
                return fallback;
            }
            try {
                int value = Integer.parseInt(v.strip());
                if (value < min || value > max) {
                    throw new IllegalArgumentException(name + " must be between " + min + " and " + max);
                }
                return value;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be an integer, got '" + v + "'");
            }
        }
    }
}
