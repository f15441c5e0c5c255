package org.omatwin.core.dm;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import org.omatwin.core.CoreConfig;
import org.omatwin.core.CoreServer;
import org.omatwin.dmclient.DeviceAgent;
import org.omatwin.dmclient.DeviceListener;
import org.omatwin.dmclient.DeviceProfile;
import org.omatwin.dmclient.DmClient;
import org.omatwin.dmclient.ManagementTree;
import org.omatwin.dmclient.TlsTrust;
import org.omatwin.dmclient.TokenSource;
import org.omatwin.dmclient.UpdateBehaviour;
import org.omatwin.testsupport.LocalIssuer;

/**
 * What the device-management tests over real sockets share: a core on free ports (the device surface on
 * its own TLS port) trusting a local token issuer, and the reference DM client as one device of it.
 */
public final class DmTestCores {
    private DmTestCores() {}

    /** Bearer tokens from {@code issuer}, every port free, data in {@code dataDir}; {@code env} adds or overrides. */
    public static CoreConfig config(LocalIssuer issuer, Path dataDir, Map<String, String> env) {
        Map<String, String> all = new HashMap<>(Map.of(
                "TWIN_HTTP_PORT", "0", "TWIN_GRPC_PORT", "0", "TWIN_DM_HTTPS_PORT", "0",
                "TWIN_DATA_DIR", dataDir.toString(),
                "TWIN_AUTH_MODE", "jwt",
                "TWIN_AUTH_ISSUER", LocalIssuer.ISSUER,
                "TWIN_AUTH_JWKS_URL", issuer.jwksUrl(),
                "TWIN_DM_POLICIES", policies("every-client.json")));
        all.putAll(env);
        return CoreConfig.from(all);
    }

    /** A policy file of the tests' resources (dm-policies/NAME), as a path for TWIN_DM_POLICIES. */
    public static String policies(String name) {
        try {
            return Path.of(DmTestCores.class.getResource("/dm-policies/" + name).toURI()).toString();
        } catch (java.net.URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("no test policy file " + name, e);
        }
    }

    /**
     * The reference client as the device {@code devId} of {@code core}, with a device token of {@code issuer}
     * and trusting only the core's certificate by its SHA-256.
     */
    public static DeviceAgent device(CoreServer core, LocalIssuer issuer, String devId, String firmware,
            Executor executor) {
        return device(core, issuer, devId, firmware, null, executor);
    }

    /** As above, the token naming the line {@code msisdn} (tel:+...) the network authenticated; null: none. */
    public static DeviceAgent device(CoreServer core, LocalIssuer issuer, String devId, String firmware,
            String msisdn, Executor executor) {
        return device(core, issuer, devId, firmware, msisdn, new UpdateBehaviour(), executor);
    }

    /** As above, its firmware and software updates behaving as {@code behaviour} says (failures, trusted originators). */
    public static DeviceAgent device(CoreServer core, LocalIssuer issuer, String devId, String firmware,
            String msisdn, UpdateBehaviour behaviour, Executor executor) {
        DmClient client = new DmClient(URI.create("https://localhost:" + core.dmPort() + "/dm/v2"),
                TokenSource.fixed(issuer.token(devId, "oma_dm.device",
                        msisdn == null ? Map.of() : Map.of("msisdn", msisdn))),
                DmClient.httpClient(TlsTrust.pinnedSha256(core.dmFingerprint()), executor));
        return new DeviceAgent(ManagementTree.inMemory(DeviceProfile.defaults(devId).withFirmwareVersion(firmware)),
                client, behaviour, new DeviceListener() {});
    }
}
