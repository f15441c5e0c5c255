package org.omatwin.dmclient;

import java.time.Duration;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * How the simulated device's firmware and software updates behave: they succeed unless told to fail, and
 * a package's signature is checked against the originators the device trusts.
 */
public final class UpdateBehaviour {

    /**
     * The failures a device can be told to simulate, with their FUMO and SCOMO result codes (OMA FUMO 1.0
     * and SCOMO 1.0 generic alert result codes).
     */
    public enum Failure {
        /** FUMO 402 Corrupted Firmware Update Package; SCOMO 1407 Failed package validation. */
        CORRUPTED(402, 1407),
        /** FUMO 403 Firmware Update Package - Device Mismatch; SCOMO 1405 Install failed. */
        MISMATCH(403, 1405),
        /** FUMO 404 Failed Firmware Update Package Validation; SCOMO 1407 Failed package validation. */
        VALIDATION(404, 1407),
        /** FUMO 502 Firmware update fails due to device out of memory; SCOMO 1406 Install failed, out of memory. */
        MEMORY(502, 1406);

        private final int fumo;
        private final int scomo;

        Failure(int fumo, int scomo) {
            this.fumo = fumo;
            this.scomo = scomo;
        }

        public int fumo() {
            return fumo;
        }

        public int scomo() {
            return scomo;
        }

        /** {@code corrupted}, {@code mismatch}, {@code validation} or {@code memory}. */
        public static Failure named(String name) {
            try {
                return valueOf(name.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("a failure is corrupted, mismatch, validation, memory or a result code");
            }
        }
    }

    private static final int NONE = Integer.MIN_VALUE;
    private final AtomicInteger failNext = new AtomicInteger(NONE);
    private final AtomicReference<Failure> failNextNamed = new AtomicReference<>();
    private volatile Duration downloadTimeout = Duration.ofMinutes(30);
    private volatile PackageSignature signatures = PackageSignature.anyOriginator();

    /**
     * Makes the next FUMO or SCOMO operation fail with {@code resultCode} (e.g. 410 for FUMO, 1405 for SCOMO);
     * the one after it succeeds again.
     */
    public UpdateBehaviour failNextUpdate(int resultCode) {
        failNext.set(resultCode);
        return this;
    }

    /** Makes the next FUMO or SCOMO operation fail this way, with the code of its management object. */
    public UpdateBehaviour failNextUpdate(Failure failure) {
        failNextNamed.set(failure);
        return this;
    }

    /** {@code --fail-update}: a failure's name, or a result code. */
    public UpdateBehaviour failNextUpdate(String nameOrCode) {
        if (nameOrCode.chars().allMatch(Character::isDigit)) {
            return failNextUpdate(Integer.parseInt(nameOrCode));
        }
        return failNextUpdate(Failure.named(nameOrCode));
    }

    /** The failure requested for this update (with the FUMO or SCOMO code), consumed. */
    OptionalInt takeFailure(boolean fumo) {
        Failure named = failNextNamed.getAndSet(null);
        if (named != null) {
            return OptionalInt.of(fumo ? named.fumo() : named.scomo());
        }
        int code = failNext.getAndSet(NONE);
        return code == NONE ? OptionalInt.empty() : OptionalInt.of(code);
    }

    public Duration downloadTimeout() {
        return downloadTimeout;
    }

    public UpdateBehaviour downloadTimeout(Duration timeout) {
        this.downloadTimeout = timeout;
        return this;
    }

    /** The originators whose signed packages this device accepts (default: any signature over the metadata). */
    public UpdateBehaviour signatures(PackageSignature check) {
        this.signatures = check;
        return this;
    }

    PackageSignature signatures() {
        return signatures;
    }
}
