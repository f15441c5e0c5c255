package org.omatwin.core.twinning.activation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ActivationCodesTest {
    private static final byte[] KEY = new byte[32];
    private static final byte[] OTHER_KEY = "another-operator-secret-of-32-by".getBytes();

    @Test
    void codesAreSixDigitsAndSpreadOverTheWholeSpace() {
        ActivationCodes codes = new ActivationCodes(KEY);
        Set<String> seen = new HashSet<>();
        int low = 0;
        for (int i = 0; i < 2_000; i++) {
            String c = codes.generate();
            assertThat(c).matches("[0-9]{6}");
            seen.add(c);
            if (c.charAt(0) == '0') {
                low++;
            }
        }
        assertThat(seen.size()).as("no short cycle").isGreaterThan(1_990);
        assertThat(low).as("leading zeros kept, ~10%").isBetween(120, 290);
    }

    @Test
    void theHashIsKeyedSoTheCodeCannotBeRecoveredWithoutTheKey() {
        ActivationCodes a = new ActivationCodes(KEY);
        ActivationCodes b = new ActivationCodes(OTHER_KEY);
        assertThat(a.hash("123456")).isEqualTo(a.hash("123456")).hasSize(64).doesNotContain("123456");
        assertThat(a.hash("123456")).isNotEqualTo(b.hash("123456"));
        assertThat(a.hash("123456")).isNotEqualTo(a.hash("123457"));
    }

    @Test
    void shortKeysAreRefused() {
        assertThatThrownBy(() -> new ActivationCodes(new byte[16])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void wellFormedMeansExactlySixDigits() {
        assertThat(ActivationCodes.isWellFormed("012345")).isTrue();
        assertThat(ActivationCodes.isWellFormed("12345")).isFalse();
        assertThat(ActivationCodes.isWellFormed("1234567")).isFalse();
        assertThat(ActivationCodes.isWellFormed("12345a")).isFalse();
        assertThat(ActivationCodes.isWellFormed(null)).isFalse();
    }

    @Test
    void attemptWindowBlocksAfterTheLimitUntilTheWindowEnds() {
        Instant t0 = Instant.parse("2026-11-22T10:00:00Z");
        Duration window = Duration.ofMinutes(15);
        AttemptWindow w = null;
        for (int i = 0; i < 5; i++) {
            w = AttemptWindow.afterFailure(w, t0.plusSeconds(i), window);
        }
        assertThat(w.failures()).isEqualTo(5);
        assertThat(w.blockedFor(t0.plusSeconds(60), 5, window)).isEqualTo(Duration.ofMinutes(14));
        assertThat(w.blockedFor(t0.plus(window), 5, window)).isZero();
        assertThat(w.blockedFor(t0.plusSeconds(60), 6, window)).as("under a higher limit").isZero();
        AttemptWindow fresh = AttemptWindow.afterFailure(w, t0.plus(window), window);
        assertThat(fresh.failures()).as("a new window starts over").isEqualTo(1);
    }
}
