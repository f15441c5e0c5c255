package org.omatwin.core.dm.api;

import java.util.Optional;
import org.omatwin.core.dm.device.Line;
import org.omatwin.core.dm.job.TargetResolver;

/** A job's targets named as its client names devices (deviceRefs, pseudonyms, reach: section 6). */
public final class JobTargets implements TargetResolver {
    private final DmwsiPolicies policies;

    public JobTargets(DmwsiPolicies policies) {
        this.policies = policies;
    }

    @Override
    public Resolution device(String clientId, String ref) {
        return policies.access(clientId).map(a -> a.target(ref))
                .orElse(Resolution.rejected("outside the caller's policy: it has none"));
    }

    @Override
    public Optional<Line> line(String clientId, String ref) {
        return policies.access(clientId).flatMap(a -> a.line(ref));
    }
}
