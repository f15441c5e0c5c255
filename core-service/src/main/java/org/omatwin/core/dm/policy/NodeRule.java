package org.omatwin.core.dm.policy;

import java.util.Set;

/** One rule of a client's policy: the permissions it grants on the nodes a pattern covers. */
public record NodeRule(NodePattern pattern, Set<Permission> allow) {
    public NodeRule {
        allow = Set.copyOf(allow);
    }
}
