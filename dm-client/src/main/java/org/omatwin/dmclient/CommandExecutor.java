package org.omatwin.dmclient;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.omatwin.dmclient.ManagementTree.Format;
import org.omatwin.dmclient.ManagementTree.Origin;
import org.omatwin.dmclient.ManagementTree.TreeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a package's commands in array order against the tree and builds its {@code sessionReport}: one status per
 * command except {@code END}. A command that fails gets its failure status and the next one still runs; nothing
 * here throws. EXEC of FUMO and SCOMO operations answers 202 and hands back a {@link ExecActions.DeferredJob} that
 * the caller runs once the session has ended, ending in the result alert.
 */
public final class CommandExecutor {

    private static final Logger log = LoggerFactory.getLogger(CommandExecutor.class);

    /** The report of one package, and the work its EXEC commands left for after the session. */
    public record PackageResult(Wire.SessionReport report, List<ExecActions.DeferredJob> deferred) {
        public boolean ok() {
            return report.status().stream().allMatch(s -> StatusCode.isSuccess(s.sc()));
        }
    }

    private final ManagementTree tree;
    private final DmClient client;
    private final ExecActions exec;
    private final DeviceListener listener;

    public CommandExecutor(ManagementTree tree, DmClient client, ExecActions exec, DeviceListener listener) {
        this.tree = tree;
        this.client = client;
        this.exec = exec;
        this.listener = listener;
    }

    public CompletableFuture<PackageResult> execute(Wire.SessionPackage pkg) {
        List<Wire.Status> statuses = new ArrayList<>();
        List<ExecActions.DeferredJob> deferred = new ArrayList<>();
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (Wire.Command cmd : pkg.cmd()) {
            if ("END".equals(cmd.op())) {
                break; // the last command; it has no status
            }
            if (cmd.cmdId() == null) {
                log.warn("package {}: a {} command without cmdId cannot be reported; skipped", pkg.sessionId(), cmd.op());
                continue;
            }
            chain = chain.thenCompose(x -> safely(cmd, deferred)).thenAccept(status -> {
                statuses.add(status);
                listener.commandExecuted(cmd, status);
            });
        }
        return chain.thenApply(x -> new PackageResult(new Wire.SessionReport(List.copyOf(statuses)), List.copyOf(deferred)));
    }

    private CompletableFuture<Wire.Status> safely(Wire.Command cmd, List<ExecActions.DeferredJob> deferred) {
        CompletableFuture<Wire.Status> status;
        try {
            status = run(cmd, deferred);
        } catch (RuntimeException e) {
            status = CompletableFuture.failedFuture(e);
        }
        return status.exceptionally(e -> Wire.Status.of(cmd.cmdId(), failureStatus(cmd, e)));
    }

    private int failureStatus(Wire.Command cmd, Throwable e) {
        Throwable t = DmException.unwrap(e);
        if (t instanceof TreeException te) {
            return te.statusCode();
        }
        if (t instanceof DmException de) {
            log.info("{} {} failed: {}", cmd.op(), cmd.cmdId(), de.getMessage());
            return switch (de.httpStatus()) {
                case 401, 403, 404 -> de.httpStatus();
                case 413 -> StatusCode.DEVICE_FULL;
                default -> StatusCode.COMMAND_FAILED;
            };
        }
        listener.error(cmd.op() + " " + cmd.cmdId(), t);
        return StatusCode.COMMAND_FAILED;
    }

    private CompletableFuture<Wire.Status> run(Wire.Command cmd, List<ExecActions.DeferredJob> deferred) {
        String id = cmd.cmdId();
        String op = cmd.op() == null ? "" : cmd.op();
        switch (op) {
            case "GET" -> {
                return done(new Wire.Status(id, StatusCode.OK, tree.read(required(cmd.uri()))));
            }
            case "HGET" -> {
                String uri = ManagementTree.normalize(required(cmd.uri()));
                URI url = serverUrl(cmd);
                return client.fetch(url).thenApply(item -> {
                    int check = verify(item.body(), cmd);
                    if (check != StatusCode.OK) {
                        return Wire.Status.of(id, check);
                    }
                    store(uri, item);
                    return Wire.Status.of(id, StatusCode.OK);
                });
            }
            case "HPUT", "HPOST" -> {
                ManagementTree.Node node = tree.get(required(cmd.uri()))
                        .orElseThrow(() -> new TreeException(StatusCode.NOT_FOUND, "no node " + cmd.uri()));
                URI url = serverUrl(cmd);
                byte[] body;
                String type;
                if (node.interior()) {
                    body = DmClient.json(Map.of("results", tree.read(cmd.uri())));
                    type = "application/json";
                } else {
                    body = node.bytes();
                    type = node.format() == Format.B64 ? "application/octet-stream" : "text/plain; charset=utf-8";
                }
                return client.upload(url, op.equals("HPUT") ? "PUT" : "POST", body, type)
                        .thenApply(x -> Wire.Status.of(id, StatusCode.OK));
            }
            case "DELETE" -> {
                String uri = ManagementTree.normalize(required(cmd.uri()));
                if (uri.equals("./DevInfo") || uri.startsWith("./DevInfo/")) {
                    return done(Wire.Status.of(id, StatusCode.COMMAND_NOT_ALLOWED));
                }
                return done(Wire.Status.of(id, tree.delete(uri, Origin.SERVER) ? StatusCode.OK : StatusCode.NOT_FOUND));
            }
            case "EXEC" -> {
                ExecActions.Outcome outcome = exec.exec(cmd);
                outcome.deferred().ifPresent(deferred::add);
                return done(Wire.Status.of(id, outcome.sc()));
            }
            case "SUB" -> {
                tree.subscribe(required(cmd.uri()));
                return done(Wire.Status.of(id, StatusCode.OK));
            }
            case "UNSUB" -> {
                tree.unsubscribe(required(cmd.uri()));
                return done(Wire.Status.of(id, StatusCode.OK));
            }
            case "SHOW" -> {
                if (cmd.url() == null) {
                    return done(Wire.Status.of(id, StatusCode.BAD_REQUEST));
                }
                listener.show(cmd.url());
                // the browser component: the page is the server's (same origin, with the device's token)
                return client.fetch(serverUrl(cmd)).thenApply(item -> {
                    listener.shown(cmd.url(), pageText(item.body()));
                    return Wire.Status.of(id, StatusCode.OK);
                });
            }
            default -> {
                return done(Wire.Status.of(id, StatusCode.OPTIONAL_FEATURE_NOT_SUPPORTED));
            }
        }
    }

    /** What a person sees of an HTML page: its text, tags and markup gone, whitespace collapsed. */
    static String pageText(byte[] html) {
        String text = new String(html, java.nio.charset.StandardCharsets.UTF_8)
                .replaceAll("(?is)<(head|script|style)[^>]*>.*?</\\1>", " ")
                .replaceAll("<[^>]*>", " ")
                .replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
                .replace("&amp;", "&");
        return text.replaceAll("\\s+", " ").strip();
    }

    /**
     * The command's {@code url}, which must point at this server: the bearer token goes with it, so any other
     * origin is refused (403) rather than trusted.
     */
    private URI serverUrl(Wire.Command cmd) {
        return checkedServerUrl(client, cmd.url());
    }

    static URI checkedServerUrl(DmClient client, String url) {
        if (url == null || url.isEmpty()) {
            throw new TreeException(StatusCode.BAD_REQUEST, "the command has no url");
        }
        URI parsed;
        try {
            parsed = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new TreeException(StatusCode.BAD_REQUEST, "malformed url");
        }
        if (!client.sameOrigin(parsed)) {
            throw new TreeException(StatusCode.FORBIDDEN, "url " + parsed.getScheme() + "://" + parsed.getAuthority()
                    + " is not the DM server " + client.base().getAuthority());
        }
        return parsed;
    }

    /** 200 when size and SHA-256 match what the command announced (when it did), else 424 / 500. */
    private static int verify(byte[] body, Wire.Command cmd) {
        Long size = cmd.expectedSize();
        if (size != null && size != body.length) {
            return StatusCode.SIZE_MISMATCH;
        }
        String sha256 = cmd.expectedSha256();
        if (sha256 != null) {
            byte[] expected;
            try {
                expected = HexFormat.of().parseHex(sha256.toLowerCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                return StatusCode.BAD_REQUEST;
            }
            if (!MessageDigest.isEqual(DmClient.sha256().digest(body), expected)) {
                log.warn("{} {}: SHA-256 of the fetched content does not match the command's", cmd.op(), cmd.cmdId());
                return StatusCode.COMMAND_FAILED;
            }
        }
        return StatusCode.OK;
    }

    /**
     * Stores fetched content: text as {@code chr}; a JSON object {@code {"format", "value"}} as that typed value;
     * other JSON as {@code chr}; anything else as {@code b64}.
     */
    private void store(String uri, DmClient.Item item) {
        String type = item.contentType().toLowerCase(Locale.ROOT);
        if (type.startsWith("application/json") || type.matches("^application/[^;]*\\+json.*")) {
            String text = new String(item.body(), StandardCharsets.UTF_8);
            try {
                JsonNode json = Wire.JSON.readTree(text);
                if (json != null && json.isObject() && json.has("value")) {
                    Format format = Format.parse(json.path("format").asText("chr"));
                    JsonNode value = json.get("value");
                    tree.set(uri, format, value.isTextual() ? value.asText() : value.toString(), Origin.SERVER);
                    return;
                }
            } catch (IOException e) {
                // not JSON after all: keep the text
            }
            tree.set(uri, Format.CHR, text, Origin.SERVER);
        } else if (type.startsWith("text/")) {
            tree.set(uri, Format.CHR, new String(item.body(), StandardCharsets.UTF_8), Origin.SERVER);
        } else {
            tree.set(uri, Format.B64, Base64.getEncoder().encodeToString(item.body()), Origin.SERVER);
        }
    }

    private static String required(String uri) {
        if (uri == null) {
            throw new TreeException(StatusCode.BAD_REQUEST, "the command has no uri");
        }
        return uri;
    }

    private static CompletableFuture<Wire.Status> done(Wire.Status status) {
        return CompletableFuture.completedFuture(status);
    }
}
