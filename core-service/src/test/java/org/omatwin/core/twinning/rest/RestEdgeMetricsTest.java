package org.omatwin.core.twinning.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.omatwin.core.support.Rest.get;
import static org.omatwin.core.support.Rest.url;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.omatwin.core.support.Devices;
import org.omatwin.core.support.TestCore;

/** REST calls run through the API's interceptors in-process, so the edge's metrics count them as gRPC calls. */
class RestEdgeMetricsTest {
    private static final String LIST = "edge_requests_seconds_count{api=\"oma.twinning.v1.TwinningService\","
            + "method=\"ListTwinnings\",status=\"2xx\"}";
    private static final String GET_4XX = "edge_requests_seconds_count{api=\"oma.twinning.v1.TwinningService\","
            + "method=\"GetTwinning\",status=\"4xx\"}";

    private static double sample(String scrape, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private static String scrape() {
        return get("http://127.0.0.1:" + TestCore.get().httpPort() + "/internal/metrics").text();
    }

    @Test
    void restCallsAreCountedByApiMethodAndStatusClassWithTheirLatencyAndInFlight() {
        String device = Devices.tel();
        String before = scrape();
        for (int i = 0; i < 3; i++) {
            assertThat(get(url(device, "/twinnings")).status()).isEqualTo(200);
        }
        assertThat(get(url(device, "/twinnings/no-such-twinning")).status()).isEqualTo(404);
        String after = scrape();
        assertThat(sample(after, LIST) - sample(before, LIST)).isEqualTo(3);
        assertThat(sample(after, GET_4XX) - sample(before, GET_4XX)).isEqualTo(1);
        assertThat(after).contains("edge_requests_seconds_bucket{api=\"oma.twinning.v1.TwinningService\","
                + "method=\"ListTwinnings\",status=\"2xx\",le=")
                .contains("edge_in_flight{api=\"oma.twinning.v1.TwinningService\"} 0.0");
    }
}
