package org.omatwin.core.support;

import org.omatwin.testsupport.Addresses;

/** Fresh, valid device addresses so that tests sharing one database never meet. */
public final class Devices {
    private Devices() {}

    public static String tel() {
        return Addresses.tel();
    }
}
