package org.omatwin.testsupport;

import java.util.concurrent.ThreadLocalRandom;

/** Fresh, valid device addresses, so that tests sharing one database (or one core) never meet. */
public final class Addresses {
    private Addresses() {}

    /** A random UK mobile number as a tel: URI. */
    public static String tel() {
        return "tel:+4477" + String.format("%09d", ThreadLocalRandom.current().nextInt(1_000_000_000));
    }
}
