package org.omatwin.core.dm.http;

/** One byte range of a {@code Range} header (RFC 9110 14.2), resolved against a content's size. */
final class ByteRange {
    private ByteRange() {}

    /**
     * {@code {first, last}} (inclusive) of {@code bytes=a-b}, {@code bytes=a-} or {@code bytes=-n}; an
     * empty array when the range cannot be satisfied (416); null when the header is not one range of
     * bytes (several ranges, another unit, malformed): the whole content is sent then, as RFC 9110 allows.
     */
    static long[] parse(String header, long size) {
        String h = header.strip();
        if (!h.regionMatches(true, 0, "bytes=", 0, 6) || h.indexOf(',') >= 0) {
            return null;
        }
        String spec = h.substring(6).strip();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        try {
            String a = spec.substring(0, dash).strip();
            String b = spec.substring(dash + 1).strip();
            if (a.isEmpty()) { // the last n bytes
                long n = Long.parseLong(b);
                if (n <= 0) {
                    return new long[0];
                }
                return size == 0 ? new long[0] : new long[] {Math.max(0, size - n), size - 1};
            }
            long first = Long.parseLong(a);
            long last = b.isEmpty() ? size - 1 : Math.min(Long.parseLong(b), size - 1);
            if (first < 0 || (!b.isEmpty() && Long.parseLong(b) < first)) {
                return null;
            }
            return first >= size ? new long[0] : new long[] {first, last};
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
