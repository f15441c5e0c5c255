package org.omatwin.core.dm.device;

/** The DevInfo MO as the client reports it in Package#1 (2.2, 2.4); any element may be absent. */
public record DevInfo(String man, String mod, String dmV, String lang) {
    public static final DevInfo EMPTY = new DevInfo(null, null, null, null);

    /** What is given replaces the stored value; what is absent keeps it (2.2). */
    public DevInfo mergedWith(DevInfo update) {
        if (update == null) {
            return this;
        }
        return new DevInfo(or(update.man, man), or(update.mod, mod), or(update.dmV, dmV), or(update.lang, lang));
    }

    static String or(String given, String stored) {
        return given != null ? given : stored;
    }
}
