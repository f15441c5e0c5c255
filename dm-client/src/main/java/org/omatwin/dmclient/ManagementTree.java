package org.omatwin.dmclient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The device's management tree: nodes addressed by URIs such as {@code ./DevInfo/DevId}. Interior nodes
 * (format {@code node}) have no value; leaves hold a value in one of the formats {@code chr}, {@code int},
 * {@code bool}, {@code b64}. Adding a leaf creates its missing interior ancestors. The tree also remembers
 * the URIs the server subscribed to ({@code SUB}).
 *
 * <p>Thread-safe. A tree opened from a file is saved back with {@link #save()} (temp file + atomic move);
 * an in-memory tree (fleet mode) is never written.
 */
public final class ManagementTree {

    public static final String ROOT = ".";

    /** The management objects the pre-populated tree carries, for {@code sessionStart.supportedMOs}. */
    public static final List<String> SUPPORTED_MOS = List.of(
            "urn:oma:mo:oma-dm-devinfo:1.0", "urn:oma:mo:oma-dm-devdetail:1.0", "urn:oma:mo:oma-fumo:1.0",
            "urn:oma:mo:oma-scomo:1.0", "urn:oma:mo:oma-diagmon:1.0");

    /** The formats of node values. */
    public enum Format {
        CHR, INT, BOOL, B64, NODE;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Format parse(String wire) {
            for (Format f : values()) {
                if (f.wire().equals(wire)) {
                    return f;
                }
            }
            throw new IllegalArgumentException("unknown node format '" + wire + "' (chr, int, bool, b64, node)");
        }
    }

    /** A node: an interior node has format {@link Format#NODE} and a null value. */
    public record Node(Format format, String value) {
        public boolean interior() {
            return format == Format.NODE;
        }

        /** The value as it appears in a GET result: a number for int, a boolean for bool, else a string. */
        public JsonNode jsonValue() {
            return switch (format) {
                case NODE -> null;
                case INT -> LongNode.valueOf(Long.parseLong(value));
                case BOOL -> BooleanNode.valueOf(Boolean.parseBoolean(value));
                case CHR, B64 -> TextNode.valueOf(value);
            };
        }

        /** The bytes an HPUT/HPOST uploads: the decoded value for b64, else its UTF-8 text. */
        public byte[] bytes() {
            return format == Format.B64 ? Base64.getDecoder().decode(value)
                    : value == null ? new byte[0] : value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** Who changed a node: the server through a command, or the device itself (update, user, sensor). */
    public enum Origin { SERVER, DEVICE }

    /** Told about every change, after it is made; {@code node} is null when the node was deleted. */
    @FunctionalInterface
    public interface ChangeListener {
        void changed(String uri, Node node, Origin origin);
    }

    /** Raised for a URI or value the tree cannot take; the message says why. */
    public static final class TreeException extends RuntimeException {
        private final int statusCode;

        TreeException(int statusCode, String message) {
            super(message);
            this.statusCode = statusCode;
        }

        /** The command status ({@code sc}) this failure maps to. */
        public int statusCode() {
            return statusCode;
        }
    }

    private final TreeMap<String, Node> nodes = new TreeMap<>();
    private final Set<String> subscriptions = new TreeSet<>();
    private final List<ChangeListener> listeners = new CopyOnWriteArrayList<>();
    private final Path file;

    private ManagementTree(Path file) {
        this.file = file;
        nodes.put(ROOT, new Node(Format.NODE, null));
    }

    /** An empty tree (only the root), kept in memory. */
    public static ManagementTree empty() {
        return new ManagementTree(null);
    }

    /** A new device's tree, kept in memory (fleet mode, tests). */
    public static ManagementTree inMemory(DeviceProfile profile) {
        ManagementTree tree = new ManagementTree(null);
        tree.populate(profile);
        return tree;
    }

    /**
     * The tree stored in {@code file}, or, when there is none yet, a new device's tree for {@code profile}
     * written there at once.
     */
    public static ManagementTree openOrCreate(Path file, DeviceProfile profile) throws IOException {
        if (Files.exists(file)) {
            return load(file);
        }
        ManagementTree tree = new ManagementTree(file);
        tree.populate(profile);
        tree.save();
        return tree;
    }

    /** Reads a tree saved by {@link #save()}. */
    public static ManagementTree load(Path file) throws IOException {
        Stored stored;
        try {
            stored = Wire.JSON.readValue(file.toFile(), Stored.class);
        } catch (IOException e) {
            throw new IOException("cannot read the management tree " + file + ": " + e.getMessage(), e);
        }
        ManagementTree tree = new ManagementTree(file);
        for (StoredNode n : stored.nodes()) {
            Format format = Format.parse(n.format());
            String uri = normalize(n.uri());
            if (format == Format.NODE) {
                tree.nodes.put(uri, new Node(Format.NODE, null));
            } else {
                tree.nodes.put(uri, new Node(format, checkValue(format, n.value())));
            }
        }
        if (stored.subscriptions() != null) {
            stored.subscriptions().forEach(s -> tree.subscriptions.add(normalize(s)));
        }
        return tree;
    }

    private record StoredNode(String uri, String format, String value) {
    }

    private record Stored(int version, List<StoredNode> nodes, List<String> subscriptions) {
    }

    /** Writes the tree to its file (temp file, then atomic move); does nothing for an in-memory tree. */
    public void save() throws IOException {
        if (file == null) {
            return;
        }
        Stored stored;
        synchronized (this) {
            List<StoredNode> list = new ArrayList<>(nodes.size());
            nodes.forEach((uri, n) -> list.add(new StoredNode(uri, n.format().wire(), n.value())));
            stored = new Stored(1, list, List.copyOf(subscriptions));
        }
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            Wire.JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), stored);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    public void addListener(ChangeListener listener) {
        listeners.add(listener);
    }

    public synchronized Optional<Node> get(String uri) {
        return Optional.ofNullable(nodes.get(normalize(uri)));
    }

    /** The value of a leaf, or empty when it is absent or interior. */
    public Optional<String> value(String uri) {
        return get(uri).map(Node::value);
    }

    public boolean exists(String uri) {
        return get(uri).isPresent();
    }

    /**
     * GET: the leaves under {@code uri} (or the leaf itself) as report results, in URI order; an interior node
     * without leaves answers itself with format {@code node}.
     *
     * @throws TreeException 404 when the node is absent
     */
    public synchronized List<Wire.Result> read(String uri) {
        String key = normalize(uri);
        Node node = nodes.get(key);
        if (node == null) {
            throw new TreeException(StatusCode.NOT_FOUND, "no node " + key);
        }
        List<Wire.Result> results = new ArrayList<>();
        if (!node.interior()) {
            results.add(result(key, node));
            return results;
        }
        subtree(key).forEach((u, n) -> {
            if (!n.interior()) {
                results.add(result(u, n));
            }
        });
        if (results.isEmpty()) {
            results.add(new Wire.Result(key, Format.NODE.wire(), null));
        }
        return results;
    }

    private static Wire.Result result(String uri, Node node) {
        return new Wire.Result(uri, node.format().wire(), node.jsonValue());
    }

    /** The names of the direct children of an interior node, in order; empty when absent or a leaf. */
    public synchronized List<String> children(String uri) {
        String key = normalize(uri);
        List<String> names = new ArrayList<>();
        int depth = key.length() + 1;
        for (String u : subtree(key).keySet()) {
            if (u.indexOf('/', depth) < 0) {
                names.add(u.substring(depth));
            }
        }
        return names;
    }

    /**
     * ADD or replace a leaf, creating missing interior ancestors.
     *
     * @throws TreeException 400 for a bad URI or a value not in its format, 405 when an ancestor is a leaf or the
     *                       node is an interior node with children
     */
    public void set(String uri, Format format, String value, Origin origin) {
        if (format == Format.NODE) {
            addInterior(uri, origin);
            return;
        }
        String key = normalize(uri);
        Node node = new Node(format, checkValue(format, value));
        Map<String, Node> changed;
        synchronized (this) {
            Node old = nodes.get(key);
            if (old != null && old.interior() && !subtree(key).isEmpty()) {
                throw new TreeException(StatusCode.COMMAND_NOT_ALLOWED, key + " is an interior node with children");
            }
            changed = createAncestors(key);
            if (!node.equals(old)) {
                nodes.put(key, node);
                changed.put(key, node);
            }
        }
        notify(changed, origin);
    }

    /** Convenience for {@link #set} with a {@code chr} value. */
    public void setText(String uri, String value, Origin origin) {
        set(uri, Format.CHR, value, origin);
    }

    /** ADD of an interior node (and its missing ancestors); an existing interior node is left as it is. */
    public void addInterior(String uri, Origin origin) {
        String key = normalize(uri);
        Map<String, Node> changed;
        synchronized (this) {
            Node old = nodes.get(key);
            if (old != null && !old.interior()) {
                throw new TreeException(StatusCode.ALREADY_EXISTS, key + " already exists as a leaf");
            }
            changed = createAncestors(key);
            if (old == null) {
                Node node = new Node(Format.NODE, null);
                nodes.put(key, node);
                changed.put(key, node);
            }
        }
        notify(changed, origin);
    }

    /**
     * DELETE a node and everything under it.
     *
     * @return false when there was no such node
     * @throws TreeException 405 for the root
     */
    public boolean delete(String uri, Origin origin) {
        String key = normalize(uri);
        if (key.equals(ROOT)) {
            throw new TreeException(StatusCode.COMMAND_NOT_ALLOWED, "the root cannot be deleted");
        }
        Map<String, Node> removed = new LinkedHashMap<>();
        synchronized (this) {
            if (nodes.remove(key) == null) {
                return false;
            }
            SortedMap<String, Node> below = subtree(key);
            below.keySet().forEach(u -> removed.put(u, null));
            below.clear();
            removed.put(key, null);
        }
        notify(removed, origin);
        return true;
    }

    /** Remembers a subscription to changes of {@code uri} and everything under it. */
    public synchronized void subscribe(String uri) {
        subscriptions.add(normalize(uri));
    }

    public synchronized void unsubscribe(String uri) {
        subscriptions.remove(normalize(uri));
    }

    public synchronized Set<String> subscriptions() {
        return Set.copyOf(subscriptions);
    }

    /** The subscribed URI covering {@code uri} (itself or an ancestor), if any. */
    public synchronized Optional<String> subscriptionCovering(String uri) {
        String key = normalize(uri);
        for (String s : subscriptions) {
            if (s.equals(key) || s.equals(ROOT) || key.startsWith(s + "/")) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** Package#1's {@code sessionStart}, read from DevInfo and DevDetail. */
    public Wire.SessionStart sessionStart() {
        return new Wire.SessionStart(
                new Wire.DevInfo(text("./DevInfo/DevId"), text("./DevInfo/Man"), text("./DevInfo/Mod"),
                        text("./DevInfo/DmV"), text("./DevInfo/Lang")),
                new Wire.DevDetail(text("./DevDetail/DevTyp"), text("./DevDetail/OEM"), text("./DevDetail/FwV"),
                        text("./DevDetail/SwV"), text("./DevDetail/HwV")),
                SUPPORTED_MOS);
    }

    /** The device's {@code ./DevInfo/DevId}. */
    public String devId() {
        return text("./DevInfo/DevId");
    }

    private String text(String uri) {
        return value(uri).orElse(null);
    }

    private void populate(DeviceProfile p) {
        Origin o = Origin.DEVICE;
        setText("./DevInfo/DevId", p.devId(), o);
        setText("./DevInfo/Man", p.manufacturer(), o);
        setText("./DevInfo/Mod", p.model(), o);
        setText("./DevInfo/DmV", "2.0", o);
        setText("./DevInfo/Lang", p.language(), o);
        setText("./DevDetail/DevTyp", p.deviceType(), o);
        setText("./DevDetail/OEM", p.oem(), o);
        setText("./DevDetail/FwV", p.firmwareVersion(), o);
        setText("./DevDetail/SwV", p.softwareVersion(), o);
        setText("./DevDetail/HwV", p.hardwareVersion(), o);
        setText("./FUMO/1/PkgURL", "", o);
        set("./FUMO/1/State", Format.INT, String.valueOf(FumoState.IDLE), o);
        addInterior("./FUMO/1/Download", o);
        addInterior("./FUMO/1/Update", o);
        addInterior("./FUMO/1/DownloadAndUpdate", o);
        addInterior("./SCOMO/Download", o);
        String app = "./SCOMO/Inventory/Deployed/1";
        setText(app + "/ID", "org.omatwin.reference.agent", o);
        setText(app + "/Name", "Reference agent", o);
        setText(app + "/Version", p.softwareVersion(), o);
        setText(app + "/State", "Active", o);
        for (String op : List.of("Activate", "Deactivate", "Remove")) {
            addInterior(app + "/Operations/" + op, o);
        }
        String diag = "./DiagMon/1";
        setText(diag + "/Name", "battery", o);
        setText(diag + "/Status", "stopped", o);
        setText(diag + "/Report", "", o);
        addInterior(diag + "/Operations/Start", o);
        addInterior(diag + "/Operations/Stop", o);
    }

    /** FUMO {@code State} values (OMA FUMO). */
    public static final class FumoState {
        public static final int IDLE = 10;
        public static final int DOWNLOAD_FAILED = 20;
        public static final int DOWNLOAD_PROGRESSING = 30;
        public static final int DOWNLOAD_COMPLETE = 40;
        public static final int UPDATE_PROGRESSING = 60;
        public static final int UPDATE_FAILED_NO_DATA = 80;
        public static final int UPDATE_SUCCESSFUL_NO_DATA = 100;

        private FumoState() {
        }
    }

    // --- internals (callers hold the lock) ---

    private SortedMap<String, Node> subtree(String key) {
        String prefix = key.equals(ROOT) ? "./" : key + "/";
        // '0' is the character after '/': the range holds exactly the keys starting with prefix
        return nodes.subMap(prefix, prefix.substring(0, prefix.length() - 1) + "0");
    }

    private Map<String, Node> createAncestors(String key) {
        Map<String, Node> created = new LinkedHashMap<>();
        int slash = 1;
        while ((slash = key.indexOf('/', slash + 1)) > 0) {
            String ancestor = key.substring(0, slash);
            Node existing = nodes.get(ancestor);
            if (existing == null) {
                Node node = new Node(Format.NODE, null);
                nodes.put(ancestor, node);
                created.put(ancestor, node);
            } else if (!existing.interior()) {
                throw new TreeException(StatusCode.COMMAND_NOT_ALLOWED, ancestor + " is a leaf, it cannot have children");
            }
        }
        return created;
    }

    private void notify(Map<String, Node> changed, Origin origin) {
        if (changed.isEmpty()) {
            return;
        }
        for (ChangeListener l : listeners) {
            changed.forEach((uri, node) -> l.changed(uri, node, origin));
        }
    }

    /**
     * The canonical form of a node URI: {@code .} or {@code ./a/b}, no empty, {@code .} or {@code ..} segments,
     * no trailing slash.
     *
     * @throws TreeException 400 otherwise
     */
    public static String normalize(String uri) {
        if (uri == null || uri.isEmpty()) {
            throw new TreeException(StatusCode.BAD_REQUEST, "a node URI is required");
        }
        String u = uri.endsWith("/") && uri.length() > 2 ? uri.substring(0, uri.length() - 1) : uri;
        if (u.equals(ROOT) || u.equals("./")) {
            return ROOT;
        }
        if (!u.startsWith("./")) {
            throw new TreeException(StatusCode.BAD_REQUEST, "node URI must start with ./ : " + uri);
        }
        for (String segment : u.substring(2).split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new TreeException(StatusCode.BAD_REQUEST, "bad node URI " + uri);
            }
            for (int i = 0; i < segment.length(); i++) {
                if (Character.isISOControl(segment.charAt(i))) {
                    throw new TreeException(StatusCode.BAD_REQUEST, "bad node URI " + uri);
                }
            }
        }
        return u;
    }

    private static String checkValue(Format format, String value) {
        if (value == null) {
            throw new TreeException(StatusCode.BAD_REQUEST, "a " + format.wire() + " node needs a value");
        }
        try {
            switch (format) {
                case INT -> Long.parseLong(value);
                case BOOL -> {
                    if (!value.equals("true") && !value.equals("false")) {
                        throw new IllegalArgumentException("not true or false");
                    }
                }
                case B64 -> Base64.getDecoder().decode(value);
                default -> {
                }
            }
        } catch (IllegalArgumentException e) {
            throw new TreeException(StatusCode.BAD_REQUEST, "value is not a valid " + format.wire());
        }
        return value;
    }
}
