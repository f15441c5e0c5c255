package org.omatwin.core.dm.network;

import java.util.List;
import org.omatwin.core.dm.operation.ConfigValue;

/**
 * One set of the operator's network parameters (ES8), e.g. the internet APN or the MMSC: the device
 * nodes to set. A {@code configure} operation naming its id delivers these values like values given in
 * the request (HGET from the data repository, section 2.3).
 */
public record NetworkParameter(String id, String kind, String description, List<Value> values) {

    public NetworkParameter {
        values = List.copyOf(values);
    }

    /** One node; a secret (an APN password) is delivered to devices but never shown to callers. */
    public record Value(String uri, String value, String format, boolean secret) {
        @Override
        public String toString() {
            return "Value[" + uri + ", " + format + "]";
        }
    }

    /** What a configure operation sets on the device. */
    public List<ConfigValue> configValues() {
        return values.stream().map(v -> new ConfigValue(v.uri(), v.value(), v.format())).toList();
    }
}
