package org.omatwin.core.portal;

import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.omatwin.core.api.ErrorInterceptor;
import org.omatwin.core.auth.TokenVerifier;
import org.omatwin.core.config.CoreConfig;
import org.omatwin.core.notify.EventBus;
import org.omatwin.core.store.Database;
import org.omatwin.core.store.JooqSubscriberStore;
import org.omatwin.core.store.JooqTransactions;
import org.omatwin.core.twinning.DeviceAddress;
import org.omatwin.core.twinning.TwinningUseCases;
import org.slf4j.LoggerFactory;

/** Wires the subscriber-level service of the self-care portal, behind its own authorization edge. */
public final class SubscriberPortal {
    private SubscriberPortal() {}

    public static ServerServiceDefinition service(CoreConfig config, Database database, TwinningUseCases twinnings,
            EventBus events, Clock clock) throws java.io.IOException {
        SubscriberUseCases subscribers = new SubscriberUseCases(
                new JooqTransactions<>(database.dsl(), JooqSubscriberStore::new), twinnings, clock);
        Map<String, List<DeviceAddress>> demo = parseDemoSubscribers(config.demoSubscribers());
        if (!demo.isEmpty()) {
            subscribers.seed(demo);
            LoggerFactory.getLogger(SubscriberPortal.class).warn(
                    "TWIN_DEMO_SUBSCRIBERS: demo subscribers {} seeded; development only", demo.keySet());
        }
        CoreConfig.Auth auth = config.auth();
        TokenVerifier verifier = auth.jwt() ? new TokenVerifier(auth.issuer(), auth.audience(),
                java.net.URI.create(auth.jwksUrl()).toURL(), auth.clockSkew()) : null;
        return ServerInterceptors.intercept(new SubscriberGrpcService(subscribers, events),
                new SubscriberAuthInterceptor(verifier), new ErrorInterceptor());
    }

    /** "alice=tel:+447700900001,tel:+447700900002;bob=tel:+447700900003" (blank: none). */
    public static Map<String, List<DeviceAddress>> parseDemoSubscribers(String spec) {
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
