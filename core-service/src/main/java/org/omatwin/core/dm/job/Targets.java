package org.omatwin.core.dm.job;

import java.util.List;
import org.omatwin.core.dm.device.DeviceFilter;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;

/**
 * What a job runs on (section 5): exactly one of a list of devices, a list of lines, or a filter. A
 * job read for work carries its list empty: the list is read in slices as it is expanded.
 */
public sealed interface Targets {
    /** At most this many devices or lines in a list. */
    int MAX = 100_000;

    /** deviceRefs as given (devId, tel: line, pid:): one execution each. */
    record Devices(List<String> refs) implements Targets {
        public Devices {
            refs = List.copyOf(refs);
        }
    }

    /** The list of a request, checked: not empty, at most {@link #MAX}, each entry a plausible ref. */
    public static Devices devices(List<String> refs) {
        return new Devices(checked(refs, "job.targets.devices"));
    }

    /** The list of a request, checked, each entry a tel: line or a pseudonym. */
    public static Users users(List<String> lines) {
        List<String> checked = checked(lines, "job.targets.users");
        for (String line : checked) {
            if (!line.regionMatches(true, 0, "tel:", 0, 4) && !line.startsWith("pid:")) {
                throw ApiException.of(ApiError.INVALID_INPUT, "job.targets.users are tel: lines", "job.targets.users");
            }
        }
        return new Users(checked);
    }

    /** The entries of a list (devices or lines); empty for a filter, or when read without its list. */
    default List<String> entries() {
        return switch (this) {
            case Devices d -> d.refs();
            case Users u -> u.lines();
            case Filter f -> List.of();
        };
    }

    /** tel: lines (or a pseudonymous client's line pseudonyms): one execution per device on each. */
    record Users(List<String> lines) implements Targets {
        public Users {
            lines = List.copyOf(lines);
        }
    }

    /** Every device matching the filter when the job starts running (a snapshot). */
    record Filter(String text) implements Targets {
        public Filter {
            DeviceFilter.parse(text); // 400 SVC0002 naming the position, now rather than when the job starts
        }

        public DeviceFilter filter() {
            return DeviceFilter.parse(text);
        }
    }

    private static List<String> checked(List<String> refs, String element) {
        if (refs.isEmpty()) {
            throw ApiException.of(ApiError.MISSING_ELEMENT, element + " is empty", element);
        }
        if (refs.size() > MAX) {
            throw ApiException.of(ApiError.INVALID_INPUT, element + " has " + refs.size() + " entries; at most "
                    + MAX + " (use a filter for more)", element);
        }
        for (String ref : refs) {
            if (ref == null || ref.isBlank() || ref.length() > 300) {
                throw ApiException.of(ApiError.INVALID_INPUT, element + " holds an empty or over-long entry", element);
            }
        }
        return List.copyOf(refs);
    }
}
