package org.omatwin.core.support;

import java.util.concurrent.ThreadLocalRandom;

/** Fresh, valid device addresses so that tests sharing one database never meet. */
public final class Devices {
    private Devices() {}

    public static String tel() {
        return "tel:+4477" + String.format("%09d", ThreadLocalRandom.current().nextInt(1_000_000_000));
    }
}
