package org.omatwin.core.subscriber;

import java.time.Instant;
import java.util.List;

/**
 * A subscriber as the operator's BSS provisioned it (dm-api.md section 3, ES9, ES12): who owns which
 * lines, the SIM (ICCID) in each and the devices on it. Shared by both families: the self-care portal
 * shows these lines (twinning), device management binds these devices (DM). Values are already checked
 * by the use case that writes them.
 */
public record Subscriber(String subscriberId, List<SubscriberLine> lines, Instant provisionedAt) {
    public Subscriber {
        lines = List.copyOf(lines);
    }

    /** A line ({@code tel:} in E.164), its SIM (null: not given) and the devIds on it, in the given order. */
    public record SubscriberLine(String msisdn, String iccid, List<String> devices) {
        public SubscriberLine {
            devices = List.copyOf(devices);
        }
    }
}
