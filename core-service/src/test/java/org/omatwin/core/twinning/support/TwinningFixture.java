package org.omatwin.core.twinning.support;

import org.omatwin.testsupport.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.omatwin.core.twinning.AuthCodeIssuer;
import org.omatwin.core.twinning.DeviceAddress;
import org.omatwin.core.twinning.Mno;
import org.omatwin.core.twinning.Peers;
import org.omatwin.core.twinning.TwinningPolicy;
import org.omatwin.core.twinning.TwinningUseCases;
import org.omatwin.core.twinning.activation.ActivationCodes;

/** The twinning domain wired to the in-memory stores and a clock the test moves. */
public final class TwinningFixture {
    public static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    public static final Mno OWN = new Mno("310", "410");
    public static final Mno PARTNER = new Mno("234", "15");
    public static final Mno OTHER_PARTNER = new Mno("208", "01");
    /** A test key: 32 bytes, as the operator's secret must be. */
    public static final byte[] KEY = "test-key-for-activation-codes-32".getBytes(StandardCharsets.US_ASCII);

    /** Small limits so that tests reach them quickly. */
    public static final TwinningPolicy POLICY = new TwinningPolicy(2, Duration.ofMinutes(10), 3,
            Duration.ofMinutes(15), "Device");

    private static final AtomicInteger NEXT = new AtomicInteger(1);

    public final MutableClock clock = new MutableClock(T0);
    public final InMemoryTwinningStore store = new InMemoryTwinningStore();
    public final ActivationCodes codes = new ActivationCodes(KEY);
    public final RecordingAuthCodes authCodes = new RecordingAuthCodes(clock);
    public final TwinningPolicy policy;
    public final TwinningUseCases twinnings;

    public TwinningFixture() {
        this(POLICY, Peers.NONE);
    }

    public TwinningFixture(TwinningPolicy policy, Peers peers) {
        this(policy, peers, null);
    }

    /** @param authCodes null: the recording one */
    public TwinningFixture(TwinningPolicy policy, Peers peers, AuthCodeIssuer authCodes) {
        this.policy = policy;
        this.twinnings = new TwinningUseCases(store.transactions(), policy, codes, OWN,
                authCodes == null ? this.authCodes : authCodes, peers, clock);
    }

    /** A fresh tel: address, different from every other one in the run. */
    public static DeviceAddress tel() {
        return new DeviceAddress(String.format("tel:+4477009%05d", NEXT.getAndIncrement()));
    }

    /** A six-digit code that is none of {@code avoid}. */
    public static String otherCode(String... avoid) {
        java.util.Set<String> taken = java.util.Set.of(avoid);
        for (int i = 0; ; i++) {
            String c = String.format("%06d", (Integer.parseInt(avoid[0]) + 1 + i) % 1_000_000);
            if (!taken.contains(c)) {
                return c;
            }
        }
    }
}
