package org.omatwin.dmclient;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** The {@code dm-device} command line: one device (or a fleet) against a DM server. See dm-client/README.md. */
public final class Main {

    private static final String USAGE = """
            usage: dm-device [options]
              --server URL              DM device surface (default https://localhost:8443/dm/v2)
              --issuer URL              authorization server issuing device tokens (default http://localhost:9000);
                                        set DM_DEVICE_TOKEN to use a token obtained elsewhere instead
              --dev-id URN              urn:imei:..., urn:uuid:... or urn:dev:... (default: generated once, kept)
              --msisdn tel:+...         the line the token should name
              --state-dir DIR           where the tree is kept (default ./dm-device-data/<devId>)
              --trust-fingerprint HEX   trust only the server certificate with this SHA-256 fingerprint
              --trust-cert FILE         trust this PEM/DER certificate (or CA), with hostname check
              --insecure-dev            do NOT verify the server certificate (development only; warns)
              --wait N                  long-poll seconds, 0-60 (default 30)
              --once                    one client-initiated session, then exit
              --fail-update HOW         the next FUMO/SCOMO update fails: corrupted, mismatch, validation or memory
                                        (the FUMO/SCOMO result code of each), or a result code (e.g. 410, 1405)
              --package-originators PEM accept only packages signed under these originator CAs
              --set URI=VALUE           before starting, the device changes this leaf itself (e.g.
                                        ./DevDetail/FwV=4.3.0): reported in Package#1, and by a node-changed
                                        alert if the server subscribed to it (SUB)
              --fault TEXT              after the start-up session, send one fault alert with this text
              --fleet N                 run N simulated devices in this process (in-memory trees)
              --fleet-rate N            fleet devices started per second (default 200)
              --manufacturer NAME  --model NAME  --firmware VERSION   for a new device's DevInfo/DevDetail
            """;

    private static final Set<String> FLAGS = Set.of("--once", "--insecure-dev", "--help");

    private Main() {
    }

    public static void main(String[] args) {
        try {
            System.exit(run(args, System.out, System.err));
        } catch (IllegalArgumentException e) {
            System.err.println("dm-device: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, String> o = parse(args);
        if (o.containsKey("--help")) {
            out.print(USAGE);
            return 0;
        }
        URI server = URI.create(o.getOrDefault("--server", DmClient.DEFAULT_BASE.toString()));
        URI issuer = URI.create(o.getOrDefault("--issuer", "http://localhost:9000"));
        int wait = intOption(o, "--wait", 30);
        if (wait < 0 || wait > 60) {
            throw new IllegalArgumentException("--wait is 0-60 seconds");
        }
        TlsTrust trust = trust(o);
        if (!"https".equalsIgnoreCase(server.getScheme())) {
            err.println("WARNING: " + server + " is not HTTPS: tokens and management data travel in clear text");
        }
        String staticToken = System.getenv("DM_DEVICE_TOKEN");
        String msisdn = o.get("--msisdn");
        DeviceProfile template = profile(o, "urn:dev:template");

        if (o.containsKey("--fleet")) {
            int n = intOption(o, "--fleet", 0);
            ExecutorService pool = Executors.newFixedThreadPool(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
            HttpClient http = DmClient.httpClient(trust, pool);
            FleetRunner fleet = new FleetRunner(n, server, http,
                    devId -> tokens(http, issuer, devId, msisdn, staticToken), template, wait,
                    intOption(o, "--fleet-rate", 200), out);
            out.printf("fleet of %d devices against %s (trust: %s)%n", n, server, trust);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                out.println("stopping the fleet...");
                fleet.stop(10);
                stopped.countDown();
            }, "fleet-stop"));
            fleet.start(10);
            awaitQuietly(stopped);
            return 0;
        }

        try {
            Path dataRoot = Path.of("dm-device-data");
            String devId = o.containsKey("--dev-id") ? o.get("--dev-id")
                    : rememberedDevId(o.containsKey("--state-dir") ? Path.of(o.get("--state-dir")) : dataRoot);
            Path stateDir = o.containsKey("--state-dir") ? Path.of(o.get("--state-dir"))
                    : dataRoot.resolve(devId.replaceAll("[^A-Za-z0-9._-]", "_"));
            ManagementTree tree = ManagementTree.openOrCreate(stateDir.resolve("tree.json"),
                    new DeviceProfile(devId, template.manufacturer(), template.model(), template.language(),
                            template.deviceType(), template.oem(), template.firmwareVersion(),
                            template.softwareVersion(), template.hardwareVersion()));
            if (!devId.equals(tree.devId())) {
                throw new IllegalArgumentException("the state in " + stateDir + " belongs to " + tree.devId()
                        + ", not " + devId + "; use another --state-dir");
            }
            HttpClient http = DmClient.httpClient(trust, null);
            DmClient client = new DmClient(server, tokens(http, issuer, devId, msisdn, staticToken), http);
            UpdateBehaviour behaviour = new UpdateBehaviour();
            if (o.containsKey("--fail-update")) {
                behaviour.failNextUpdate(o.get("--fail-update"));
            }
            if (o.containsKey("--package-originators")) {
                behaviour.signatures(PackageSignature.originators(Path.of(o.get("--package-originators"))));
            }
            ConsolePrinter printer = new ConsolePrinter(out, err);
            DeviceAgent agent = new DeviceAgent(tree, client, behaviour, printer);
            out.printf("device %s, server %s (trust: %s), state %s%n", devId, server, trust, stateDir);

            if (o.containsKey("--once")) {
                Optional<DeviceListener.SessionOutcome> outcome = agent.clientInitiated().get(10, TimeUnit.MINUTES);
                if (outcome.isEmpty()) {
                    out.println("no session pending");
                }
                return 0;
            }
            CountDownLatch done = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                agent.stop();
                try {
                    done.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                out.println("device stopped");
            }, "device-stop"));
            if (o.containsKey("--set")) {
                setNode(tree, o.get("--set"));
            }
            // Package#1 at start-up, so that the server knows this device, then wait for server-initiated sessions
            agent.clientInitiated().exceptionally(e -> {
                printer.error("start-up session", e);
                return Optional.empty();
            }).join();
            agent.sendNodeChanges().exceptionally(e -> {
                printer.error("node-changed alerts", e);
                return null;
            }).join();
            if (o.containsKey("--fault")) {
                agent.sendAlert(faultAlert(o.get("--fault"))).exceptionally(e -> {
                    printer.error("fault alert", e);
                    return null;
                }).join();
            }
            out.printf("waiting for sessions (long poll %d s); Ctrl-C to stop%n", wait);
            agent.runLoop(wait).whenComplete((x, e) -> done.countDown());
            awaitQuietly(done);
            return 0;
        } catch (IOException e) {
            err.println("dm-device: " + e.getMessage());
            return 1;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            err.println("dm-device: " + DmException.describe(e));
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /** {@code --set URI=VALUE}: the device changes one of its own leaves, kept in its state. */
    private static void setNode(ManagementTree tree, String assignment) throws IOException {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("--set takes URI=VALUE, e.g. ./DevDetail/FwV=4.3.0");
        }
        String uri = assignment.substring(0, eq);
        if (tree.get(uri).map(ManagementTree.Node::interior).orElse(true)) {
            throw new IllegalArgumentException("--set: " + uri + " is not a leaf of the device's tree");
        }
        tree.setText(uri, assignment.substring(eq + 1), ManagementTree.Origin.DEVICE);
        tree.save();
    }

    /** {@code --fault TEXT}: a critical generic alert of the fault type (dm-api.md 2.2, EI7). */
    static Wire.Alert faultAlert(String text) {
        com.fasterxml.jackson.databind.node.ObjectNode data = Wire.JSON.createObjectNode().put("text", text);
        return new Wire.Alert(ExecActions.newAlertId(), FAULT_ALERT, null, null, null, "critical", data,
                ExecActions.now());
    }

    static final String FAULT_ALERT = "urn:oma:dm:alert:fault";

    private static TokenSource tokens(HttpClient http, URI issuer, String devId, String msisdn, String staticToken) {
        return staticToken != null && !staticToken.isBlank() ? TokenSource.fixed(staticToken.trim())
                : new ClientCredentialsTokenSource(http, issuer, ClientCredentialsTokenSource.DEFAULT_CLIENT_ID,
                ClientCredentialsTokenSource.DEFAULT_CLIENT_SECRET, devId, msisdn);
    }

    private static TlsTrust trust(Map<String, String> o) {
        int chosen = (o.containsKey("--trust-fingerprint") ? 1 : 0) + (o.containsKey("--trust-cert") ? 1 : 0)
                + (o.containsKey("--insecure-dev") ? 1 : 0);
        if (chosen > 1) {
            throw new IllegalArgumentException("choose one of --trust-fingerprint, --trust-cert, --insecure-dev");
        }
        if (o.containsKey("--trust-fingerprint")) {
            return TlsTrust.pinnedSha256(o.get("--trust-fingerprint"));
        }
        if (o.containsKey("--trust-cert")) {
            try {
                return TlsTrust.certificateFile(Path.of(o.get("--trust-cert")));
            } catch (IOException e) {
                throw new IllegalArgumentException(e.getMessage());
            }
        }
        return o.containsKey("--insecure-dev") ? TlsTrust.insecureDevelopmentOnly() : TlsTrust.jdkDefault();
    }

    private static DeviceProfile profile(Map<String, String> o, String devId) {
        DeviceProfile p = DeviceProfile.defaults(devId);
        if (o.containsKey("--manufacturer")) {
            p = p.withManufacturer(o.get("--manufacturer"));
        }
        if (o.containsKey("--model")) {
            p = p.withModel(o.get("--model"));
        }
        if (o.containsKey("--firmware")) {
            p = p.withFirmwareVersion(o.get("--firmware"));
        }
        return p;
    }

    /** The devId kept in {@code dir/dev-id}, generated ({@code urn:uuid:}) and written the first time. */
    static String rememberedDevId(Path dir) throws IOException {
        Path file = dir.resolve("dev-id");
        if (Files.exists(file)) {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        }
        String devId = "urn:uuid:" + UUID.randomUUID();
        Files.createDirectories(dir);
        Files.writeString(file, devId + "\n", StandardCharsets.UTF_8);
        return devId;
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + a);
            }
            if (FLAGS.contains(a)) {
                o.put(a, "true");
            } else if (USAGE.contains(a + " ") && i + 1 < args.length) {
                o.put(a, args[++i]);
            } else {
                throw new IllegalArgumentException(USAGE.contains(a + " ") ? a + " needs a value" : "unknown option " + a);
            }
        }
        return o;
    }

    private static int intOption(Map<String, String> o, String name, int defaultValue) {
        String v = o.get(name);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " needs a number, got " + v);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
