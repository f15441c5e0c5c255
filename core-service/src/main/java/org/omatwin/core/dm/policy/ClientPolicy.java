package org.omatwin.core.dm.policy;

import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import org.omatwin.core.dm.command.Command;
import org.omatwin.core.dm.device.Reach;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;

/**
 * What one external system may do (dm-api.md section 6, OES7): the devices it reaches, the
 * permissions node rules grant it, whether it sees pseudonyms only (OES6), and its request rate. A
 * permission holds on a node when a rule granting it covers the node (rules grant subtrees). Reading a
 * node reads everything below it, so it needs a rule covering the node itself: a rule on a child does
 * not open its parent. For a pseudonymous client, identifying nodes ({@link #IDENTIFYING}) and every
 * node above them are unreadable whatever the rules say.
 *
 * @param requestsPerSecond the sustained rate of its requests; {@code burst} requests may come at once
 */
public record ClientPolicy(String clientId, Reach reach, List<NodeRule> nodes, boolean pseudonyms,
        double requestsPerSecond, int burst) {

    /**
     * Nodes of the standard MOs that name the device: never readable by a pseudonymous client (the
     * line is not a node of the DM tree; the server knows it from the token and shows only its pseudonym).
     */
    public static final List<String> IDENTIFYING = List.of("./DevInfo/DevId");
    private static final List<List<String>> IDENTIFYING_SEGMENTS = IDENTIFYING.stream()
            .map(NodePattern::segments).toList();

    public ClientPolicy {
        Objects.requireNonNull(clientId);
        Objects.requireNonNull(reach);
        nodes = List.copyOf(nodes);
        if (!(requestsPerSecond > 0) || burst < 1) {
            throw new IllegalArgumentException("requestsPerSecond must be positive and burst at least 1");
        }
    }

    /** Development without tokens: the one development client may do everything, on every device. */
    public static ClientPolicy unrestricted(String clientId) {
        return new ClientPolicy(clientId, Reach.ALL, List.of(new NodeRule(NodePattern.parse("./"),
                EnumSet.allOf(Permission.class))), false, 1_000, 2_000);
    }

    /** Whether the permission holds on the node at {@code uri} (null: a command that names no node). */
    public boolean allows(Permission permission, String uri) {
        if (uri == null) {
            return nodes.stream().anyMatch(r -> r.allow().contains(permission));
        }
        List<String> node = NodePattern.segments(uri);
        if (permission == Permission.READ && pseudonyms && IDENTIFYING_SEGMENTS.stream()
                .anyMatch(id -> related(node, id))) {
            return false;
        }
        return nodes.stream().anyMatch(r -> r.allow().contains(permission) && r.pattern().covers(node));
    }

    /** 403 POL2003 naming the node unless the permission holds on it. */
    public void check(Permission permission, String uri) {
        if (!allows(permission, uri)) {
            throw ApiException.of(ApiError.NOT_PERMITTED, "the policy of this client does not allow "
                    + permission.wire() + (uri == null ? "" : " on " + uri), uri == null ? permission.wire() : uri);
        }
    }

    /** Each command of an operation against the node rules; the first refused one is named. */
    public void checkCommands(List<Command> commands) {
        for (Command c : commands) {
            Permission needed = Permission.of(c.op());
            if (needed != null) {
                check(needed, c.uri());
            }
        }
    }

    /** One path is at or below the other (reading either reveals the identifying node). */
    private static boolean related(List<String> a, List<String> b) {
        int n = Math.min(a.size(), b.size());
        return a.subList(0, n).equals(b.subList(0, n));
    }
}
