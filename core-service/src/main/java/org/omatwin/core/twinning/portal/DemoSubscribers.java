package org.omatwin.core.twinning.portal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.omatwin.core.twinning.DeviceAddress;

/** The development seeding of demo subscribers and their lines (TWIN_DEMO_SUBSCRIBERS). */
public final class DemoSubscribers {
    private DemoSubscribers() {}

    /** "alice=tel:+447700900001,tel:+447700900002;bob=tel:+447700900003" (blank: none). */
    public static Map<String, List<DeviceAddress>> parse(String spec) {
        Map<String, List<DeviceAddress>> out = new LinkedHashMap<>();
        if (spec == null || spec.isBlank()) {
            return out;
        }
        for (String entry : spec.split(";")) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("TWIN_DEMO_SUBSCRIBERS: expected subscriber=line,line;... got '"
                        + entry.strip() + "'");
            }
            String subscriber = entry.substring(0, eq).strip();
            List<DeviceAddress> lines = java.util.Arrays.stream(entry.substring(eq + 1).split(","))
                    .map(String::strip).filter(s -> !s.isEmpty()).map(s -> {
                        if (!DeviceAddress.isValid(s)) {
                            throw new IllegalArgumentException("TWIN_DEMO_SUBSCRIBERS: '" + s
                                    + "' is not a device address");
                        }
                        return new DeviceAddress(s);
                    }).toList();
            out.put(subscriber, lines);
        }
        return out;
    }
}
