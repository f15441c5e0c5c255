package org.omatwin.core.dm.policy;

import java.util.Arrays;
import java.util.List;

/**
 * A node path of a rule, from the root {@code ./}: each segment a name or {@code *} (any one name).
 * A pattern covers the nodes it names and everything below them, so a permission granted on a node
 * holds for its subtree.
 */
public record NodePattern(String text, List<String> segments) {

    public static NodePattern parse(String text) {
        if (text == null || !(text.equals(".") || text.startsWith("./"))) {
            throw new IllegalArgumentException("a node path starts at ./ (e.g. ./DevDetail or ./Browser/Favorites/*)");
        }
        List<String> segments = segments(text);
        for (String s : segments.subList(1, segments.size())) {
            if (s.isEmpty() || s.equals(".") || s.equals("..") || s.contains("*") && !s.equals("*")
                    || s.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException("'" + text + "' is not a node path: each segment is a name or *");
            }
        }
        return new NodePattern(text, segments);
    }

    /** The node's path segments, the root "." first; a trailing slash is ignored ("./" is the root). */
    static List<String> segments(String uri) {
        String u = uri.length() > 1 && uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
        return Arrays.asList(u.split("/", -1));
    }

    /** Whether {@code uri} is a node this pattern names or one below such a node. */
    public boolean covers(List<String> node) {
        if (node.size() < segments.size()) {
            return false;
        }
        for (int i = 0; i < segments.size(); i++) {
            if (!segments.get(i).equals("*") && !segments.get(i).equals(node.get(i))) {
                return false;
            }
        }
        return true;
    }
}
