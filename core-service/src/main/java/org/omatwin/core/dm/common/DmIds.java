package org.omatwin.core.dm.common;

import java.security.SecureRandom;

/**
 * Server-made ids for sessions, packages, operations, correlators and data items: a one-letter kind
 * prefix and 24 characters of Crockford base32 (120 bits from SecureRandom). URL-safe, and
 * unguessable because a data item or package URL is all a device presents besides its token.
 */
public final class DmIds {
    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private DmIds() {}

    public static String session() {
        return newId("s-");
    }

    public static String operation() {
        return newId("o-");
    }

    public static String command() {
        return newId("k-");
    }

    /** Ties a later result alert to the EXEC command that carried it (2.2). */
    public static String correlator() {
        return newId("c-");
    }

    /** A data repository item the device downloads with HGET. */
    public static String valueItem() {
        return newId("d-");
    }

    /** A data repository item the device uploads to with HPUT/HPOST. */
    public static String uploadItem() {
        return newId("u-");
    }

    public static String alert() {
        return newId("a-");
    }

    public static String transaction() {
        return newId("t-");
    }

    public static String job() {
        return newId("j-");
    }

    public static String subscription() {
        return newId("s-");
    }

    /** A signed package (section 8). */
    public static String signedPackage() {
        return newId("pk-");
    }

    private static String newId(String prefix) {
        char[] out = new char[24];
        for (int i = 0; i < out.length; i++) {
            out[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return prefix + new String(out);
    }
}
