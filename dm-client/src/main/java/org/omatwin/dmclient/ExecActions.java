package org.omatwin.dmclient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.omatwin.dmclient.ManagementTree.Format;
import org.omatwin.dmclient.ManagementTree.Origin;
import org.omatwin.dmclient.ManagementTree.TreeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code EXEC} does on the management objects of dm-api.md 2.4. FUMO ({@code ./FUMO/<x>/Download},
 * {@code Update}, {@code DownloadAndUpdate}) and SCOMO ({@code ./SCOMO/Download/<x>/Operations/Download|DownloadInstall|DownloadInstallInactive},
 * {@code ./SCOMO/Inventory/Deployed/<x>/Operations/Activate|Deactivate|Remove}) answer 202 and leave a
 * {@link DeferredJob}: download the package (size and SHA-256 checked while streaming), apply it to the tree, and
 * produce the generic alert carrying the command's {@code correlator} and the result code. DiagMon
 * ({@code ./DiagMon/<x>/Operations/Start|Stop}) runs at once (200); a Start with a {@code url} (the server's
 * standing upload item) and a period in {@code data} reports the function's subtree there every period
 * until Stop. An absent MO instance: 404; any other existing node: 405.
 */
public final class ExecActions {

    private static final Logger log = LoggerFactory.getLogger(ExecActions.class);

    public static final String FUMO_ALERT_PREFIX = "org.openmobilealliance.dm.firmwareupdate.";
    public static final String SCOMO_ALERT = "org.openmobilealliance.dm.softwarecomponent.OperationComplete";

    private static final Pattern FUMO = Pattern.compile("^\\./FUMO/([^/]+)/(Download|Update|DownloadAndUpdate)$");
    private static final Pattern SCOMO_DOWNLOAD =
            Pattern.compile("^\\./SCOMO/Download/([^/]+)/Operations/(Download|DownloadInstall|DownloadInstallInactive)$");
    private static final Pattern SCOMO_DEPLOYED =
            Pattern.compile("^\\./SCOMO/Inventory/Deployed/([^/]+)/Operations/(Activate|Deactivate|Remove)$");
    private static final Pattern DIAGMON = Pattern.compile("^\\./DiagMon/([^/]+)/Operations/(Start|Stop)$");

    /** Work an EXEC left for after the session; completes with the alert to send. */
    @FunctionalInterface
    public interface DeferredJob {
        CompletableFuture<Wire.Alert> run();
    }

    /** The EXEC's status, and its deferred work when the status is 202. */
    public record Outcome(int sc, Optional<DeferredJob> deferred) {
        static Outcome now(int sc) {
            return new Outcome(sc, Optional.empty());
        }

        static Outcome later(DeferredJob job) {
            return new Outcome(StatusCode.ACCEPTED, Optional.of(job));
        }
    }

    /** Result codes of one management object (FUMO or SCOMO) for the outcomes of a download and an update. */
    private record Codes(int success, int badUrl, int downloadFailed, int corrupt, int validation) {
    }

    private static final Codes FUMO_CODES = new Codes(200, 411, 503, 402, 404);
    private static final Codes SCOMO_CODES = new Codes(1200, 1402, 1402, 1407, 1407);

    /** One daemon thread ticks the periodic reports of every device of the process (fleet mode too). */
    private static final ScheduledExecutorService REPORTS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "diagmon-reports");
        t.setDaemon(true);
        return t;
    });

    private final ManagementTree tree;
    private final DmClient client;
    private final UpdateBehaviour behaviour;
    /** The running diagnostics functions' periodic reports, by function node. */
    private final Map<String, ScheduledFuture<?>> reporters = new ConcurrentHashMap<>();

    public ExecActions(ManagementTree tree, DmClient client, UpdateBehaviour behaviour) {
        this.tree = tree;
        this.client = client;
        this.behaviour = behaviour;
    }

    public Outcome exec(Wire.Command cmd) {
        String uri = ManagementTree.normalize(cmd.uri() == null ? "" : cmd.uri());
        Matcher m;
        if ((m = FUMO.matcher(uri)).matches()) {
            String instance = "./FUMO/" + m.group(1);
            return tree.exists(instance) ? Outcome.later(fumo(cmd, instance, m.group(2))) : Outcome.now(StatusCode.NOT_FOUND);
        }
        if ((m = SCOMO_DOWNLOAD.matcher(uri)).matches()) {
            // the server creates the Download/<x> entry (HGET of PkgID, PkgURL...); its Operations node may be absent
            String entry = "./SCOMO/Download/" + m.group(1);
            return tree.exists(entry) ? Outcome.later(scomoInstall(cmd, entry, m.group(2))) : Outcome.now(StatusCode.NOT_FOUND);
        }
        if ((m = SCOMO_DEPLOYED.matcher(uri)).matches()) {
            // the component by its node name, else by its ID (what a softwareRemove's componentId names)
            String named = "./SCOMO/Inventory/Deployed/" + m.group(1);
            String component = tree.exists(named) ? named : deployedNodeWithId(m.group(1)).orElse(named);
            return tree.exists(component) ? Outcome.later(scomoDeployed(cmd, component, m.group(2)))
                    : Outcome.now(StatusCode.NOT_FOUND);
        }
        if ((m = DIAGMON.matcher(uri)).matches()) {
            String function = "./DiagMon/" + m.group(1);
            if (!tree.exists(function)) {
                return Outcome.now(StatusCode.NOT_FOUND);
            }
            boolean start = m.group(2).equals("Start");
            ScheduledFuture<?> previous = reporters.remove(function);
            if (previous != null) {
                previous.cancel(false);
            }
            if (start && cmd.url() != null) {
                int period = periodSeconds(cmd.data());
                if (period <= 0) {
                    return Outcome.now(StatusCode.BAD_REQUEST);
                }
                URI url = CommandExecutor.checkedServerUrl(client, cmd.url());
                reporters.put(function, REPORTS.scheduleAtFixedRate(() -> report(function, url), period, period,
                        TimeUnit.SECONDS));
            }
            tree.setText(function + "/Status", start ? "running" : "stopped", Origin.DEVICE);
            return Outcome.now(StatusCode.OK);
        }
        return Outcome.now(tree.exists(uri) ? StatusCode.COMMAND_NOT_ALLOWED : StatusCode.NOT_FOUND);
    }

    // --- DiagMon ---

    /**
     * The period of a DiagMon Start ({@code data}: seconds, as text or a number); 0 when absent or not a
     * positive number.
     */
    private static int periodSeconds(JsonNode data) {
        if (data == null || data.isNull()) {
            return 0;
        }
        try {
            return data.isNumber() ? data.asInt() : Integer.parseInt(data.asText().trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * One periodic report of a running diagnostics function: its subtree as JSON, POSTed to the standing
     * upload item the Start named. An item the server closed (the function was stopped there) ends the
     * reporting; any other failure is retried at the next period.
     */
    private void report(String function, URI url) {
        byte[] body;
        try {
            body = DmClient.json(java.util.Map.of("results", tree.read(function)));
        } catch (TreeException e) {
            return;
        }
        client.upload(url, "POST", body, "application/json").whenComplete((ok, error) -> {
            if (error != null) {
                Throwable cause = error instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                        ? c.getCause() : error;
                if (cause instanceof DmException e && e.httpStatus() == 404) {
                    ScheduledFuture<?> reporter = reporters.remove(function);
                    if (reporter != null) {
                        reporter.cancel(false);
                    }
                }
                log.debug("periodic report of {} not delivered: {}", function, cause.toString());
            }
        });
    }

    /** Stops every periodic report (the device is shutting down). */
    public void stopReports() {
        reporters.values().forEach(f -> f.cancel(false));
        reporters.clear();
    }

    // --- FUMO ---

    private DeferredJob fumo(Wire.Command cmd, String instance, String op) {
        String type = FUMO_ALERT_PREFIX + op.toLowerCase(Locale.ROOT);
        return () -> {
            CompletableFuture<Integer> result = CompletableFuture.completedFuture(FUMO_CODES.success());
            if (!op.equals("Update")) {
                setState(instance, ManagementTree.FumoState.DOWNLOAD_PROGRESSING);
                result = download(cmd, instance + "/PkgURL", FUMO_CODES).thenApply(code -> {
                    setState(instance, code == FUMO_CODES.success() ? ManagementTree.FumoState.DOWNLOAD_COMPLETE : ManagementTree.FumoState.DOWNLOAD_FAILED);
                    return code;
                });
            }
            if (!op.equals("Download")) {
                result = result.thenApply(code -> code != FUMO_CODES.success() ? code : applyFirmware(cmd, instance));
            }
            return result.thenApply(code -> alert(type, instance, cmd, code, code == FUMO_CODES.success()));
        };
    }

    private int applyFirmware(Wire.Command cmd, String instance) {
        setState(instance, ManagementTree.FumoState.UPDATE_PROGRESSING);
        OptionalInt failure = behaviour.takeFailure(true);
        if (failure.isPresent()) {
            setState(instance, ManagementTree.FumoState.UPDATE_FAILED_NO_DATA);
            return failure.getAsInt();
        }
        version(cmd).ifPresent(v -> tree.setText("./DevDetail/FwV", v, Origin.DEVICE));
        setState(instance, ManagementTree.FumoState.UPDATE_SUCCESSFUL_NO_DATA);
        return FUMO_CODES.success();
    }

    private void setState(String instance, int state) {
        tree.set(instance + "/State", Format.INT, Integer.toString(state), Origin.DEVICE);
    }

    // --- SCOMO ---

    private DeferredJob scomoInstall(Wire.Command cmd, String download, String op) {
        return () -> download(cmd, download + "/PkgURL", SCOMO_CODES).thenApply(code -> {
            if (code == SCOMO_CODES.success() && !op.equals("Download")) {
                OptionalInt failure = behaviour.takeFailure(false);
                if (failure.isPresent()) {
                    code = failure.getAsInt();
                } else {
                    install(cmd, download, op.equals("DownloadInstallInactive") ? "Inactive" : "Active");
                }
            }
            return alert(SCOMO_ALERT, download, cmd, code, code == SCOMO_CODES.success());
        });
    }

    private void install(Wire.Command cmd, String download, String state) {
        String name = download.substring(download.lastIndexOf('/') + 1);
        String id = tree.value(download + "/PkgID").filter(s -> !s.isEmpty()).orElse(name);
        String deployed = deployedNodeFor(id);
        tree.setText(deployed + "/ID", id, Origin.DEVICE);
        tree.setText(deployed + "/Name", tree.value(download + "/Name").orElse(id), Origin.DEVICE);
        tree.setText(deployed + "/Version",
                version(cmd).or(() -> tree.value(download + "/Version")).orElse("unknown"), Origin.DEVICE);
        tree.setText(deployed + "/State", state, Origin.DEVICE);
        for (String operation : List.of("Activate", "Deactivate", "Remove")) {
            tree.addInterior(deployed + "/Operations/" + operation, Origin.DEVICE);
        }
    }

    /** The inventory node holding component {@code id}, if any. */
    private Optional<String> deployedNodeWithId(String id) {
        String base = "./SCOMO/Inventory/Deployed";
        return tree.children(base).stream().map(child -> base + "/" + child)
                .filter(node -> tree.value(node + "/ID").filter(id::equals).isPresent()).findFirst();
    }

    /** The inventory node already holding component {@code id}, else the next free number. */
    private String deployedNodeFor(String id) {
        String base = "./SCOMO/Inventory/Deployed";
        List<String> children = tree.children(base);
        for (String child : children) {
            if (tree.value(base + "/" + child + "/ID").filter(id::equals).isPresent()) {
                return base + "/" + child;
            }
        }
        int n = 1;
        while (children.contains(Integer.toString(n))) {
            n++;
        }
        return base + "/" + n;
    }

    private DeferredJob scomoDeployed(Wire.Command cmd, String component, String op) {
        return () -> {
            OptionalInt failure = behaviour.takeFailure(false);
            int code;
            if (failure.isPresent()) {
                code = failure.getAsInt();
            } else if (!tree.exists(component)) {
                code = switch (op) {
                    case "Remove" -> 1408;
                    case "Activate" -> 1409;
                    default -> 1410;
                };
            } else {
                switch (op) {
                    case "Remove" -> tree.delete(component, Origin.DEVICE);
                    case "Activate" -> tree.setText(component + "/State", "Active", Origin.DEVICE);
                    default -> tree.setText(component + "/State", "Inactive", Origin.DEVICE);
                }
                code = SCOMO_CODES.success();
            }
            return CompletableFuture.completedFuture(alert(SCOMO_ALERT, component, cmd, code, code == SCOMO_CODES.success()));
        };
    }

    // --- shared ---

    /**
     * Downloads the command's package ({@code package.url}, else the value of {@code urlNode}) and checks its size
     * and SHA-256 when announced.
     */
    private CompletableFuture<Integer> download(Wire.Command cmd, String urlNode, Codes codes) {
        String url = cmd.pkg() != null && cmd.pkg().url() != null ? cmd.pkg().url()
                : tree.value(urlNode).filter(s -> !s.isEmpty()).orElse(null);
        URI target;
        try {
            target = CommandExecutor.checkedServerUrl(client, url);
        } catch (TreeException e) {
            log.warn("EXEC {}: package url refused: {}", cmd.cmdId(), e.getMessage());
            return CompletableFuture.completedFuture(codes.badUrl());
        }
        return client.download(target, behaviour.downloadTimeout()).handle((d, e) -> {
            if (e != null) {
                log.warn("EXEC {}: download failed: {}", cmd.cmdId(), DmException.describe(e));
                return codes.downloadFailed();
            }
            Long size = cmd.expectedSize();
            if (size != null && size != d.size()) {
                log.warn("EXEC {}: package is {} bytes, the command announced {}", cmd.cmdId(), d.size(), size);
                return codes.corrupt();
            }
            String sha = cmd.expectedSha256();
            if (sha != null && !MessageDigest.isEqual(HexFormat.of().parseHex(d.sha256()), parseHexOrEmpty(sha))) {
                log.warn("EXEC {}: package SHA-256 does not match the command's", cmd.cmdId());
                return codes.corrupt();
            }
            Optional<String> unsigned = behaviour.signatures().problem(cmd.pkg(), d.size(), d.sha256());
            if (unsigned.isPresent()) {
                log.warn("EXEC {}: package refused: {}", cmd.cmdId(), unsigned.get());
                return codes.validation();
            }
            return codes.success();
        });
    }

    private static byte[] parseHexOrEmpty(String hex) {
        try {
            return HexFormat.of().parseHex(hex.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }

    /** The new version an update brings, when the command's {@code data} names it ({@code {"version": ...}}). */
    private static Optional<String> version(Wire.Command cmd) {
        JsonNode data = cmd.data();
        if (data != null && data.isTextual() && data.asText().startsWith("{")) { // data sent as JSON text
            try {
                data = Wire.JSON.readTree(data.asText());
            } catch (java.io.IOException e) {
                return Optional.empty();
            }
        }
        if (cmd.pkg() != null && cmd.pkg().version() != null && (data == null || !data.isObject())) {
            return Optional.of(cmd.pkg().version());
        }
        if (data == null || !data.isObject()) {
            return Optional.empty();
        }
        return Optional.ofNullable(data.path("version").asText(null)).filter(s -> !s.isEmpty());
    }

    private static Wire.Alert alert(String type, String uri, Wire.Command cmd, int resultCode, boolean success) {
        ObjectNode data = Wire.JSON.createObjectNode();
        data.put("cmdUri", cmd.uri());
        return new Wire.Alert(newAlertId(), type, uri, cmd.correlator(), resultCode,
                success ? "informational" : "critical", data, now());
    }

    static String newAlertId() {
        return "a-" + UUID.randomUUID();
    }

    static String now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
    }
}
