package org.omatwin.core.dm.device;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;

/**
 * A device list's {@code filter=} (dm-api.md section 4, OM1, OM2), parsed: terms {@code field op value}
 * joined by {@code ;} (and) or {@code ,} (or), {@code ;} binding tighter, so a filter is a disjunction
 * of conjunctions ({@link #anyOf()}). There is no grouping: {@code (} and {@code )} only enclose the
 * list of {@code =in=}.
 *
 * <ul>
 * <li>ops {@code ==}, {@code !=}, {@code =lt=}, {@code =le=}, {@code =gt=}, {@code =ge=}, {@code =in=(a,b)};
 * <li>a value is quoted with {@code "} when it holds a reserved character ({@code " ' ( ) ; , = ! < > ~},
 * a space, a control character); inside or outside quotes {@code \} takes the next character literally
 * ({@code \"}, {@code \\}, {@code \*});
 * <li>{@code *} is a wildcard (any characters, none included) in {@code ==} and its negation {@code !=};
 * <li>fields {@code man mod devTyp} (text: ==, !=, =in=), {@code fwV swV hwV} (versions: ordering by
 * {@link Version}, equality as text), {@code line} (a {@code tel:} line, normalised like {@link Line};
 * ordering as text), {@code lastSeen} (RFC 3339 times), {@code binding} ({@code Confirmed} |
 * {@code Unconfirmed}, see {@link Binding}).
 * </ul>
 *
 * A filter that does not parse is refused with 400 SVC0002 whose text names the position (the 0-based
 * character index) and what was expected there. A field the device never reported matches no term
 * except {@code !=}. Plain Java: the store translates a parsed filter to SQL; {@link #matches} is the
 * same meaning in memory.
 */
public record DeviceFilter(String text, List<List<Term>> anyOf) {
    public static final int MAX_LENGTH = 4096;
    public static final int MAX_TERMS = 100;
    public static final int MAX_IN_VALUES = 100;
    private static final String RESERVED = "\"'();,=!<>~";

    public DeviceFilter {
        anyOf = anyOf.stream().map(List::copyOf).toList();
    }

    /** What a field holds, which decides the operators it takes and how values compare. */
    public enum Kind { TEXT, VERSION, LINE, TIME, BINDING }

    public enum Field {
        MAN("man", Kind.TEXT, p -> p.devInfo().man()),
        MOD("mod", Kind.TEXT, p -> p.devInfo().mod()),
        DEV_TYP("devTyp", Kind.TEXT, p -> p.devDetail().devTyp()),
        FW_V("fwV", Kind.VERSION, p -> p.devDetail().fwV()),
        SW_V("swV", Kind.VERSION, p -> p.devDetail().swV()),
        HW_V("hwV", Kind.VERSION, p -> p.devDetail().hwV()),
        LINE("line", Kind.LINE, p -> p.line() == null ? null : p.line().value()),
        LAST_SEEN("lastSeen", Kind.TIME, p -> p.lastSeen() == null ? null : p.lastSeen().toString()),
        BINDING("binding", Kind.BINDING, p -> p.binding().wire());

        private final String wire;
        private final Kind kind;
        private final Function<DeviceProfile, String> value;

        Field(String wire, Kind kind, Function<DeviceProfile, String> value) {
            this.wire = wire;
            this.kind = kind;
            this.value = value;
        }

        public String wire() {
            return wire;
        }

        public Kind kind() {
            return kind;
        }

        /** Ordering operators apply to versions, times and lines, never to free text or the binding. */
        boolean ordered() {
            return kind == Kind.VERSION || kind == Kind.TIME || kind == Kind.LINE;
        }

        static Optional<Field> of(String wire) {
            return Arrays.stream(values()).filter(f -> f.wire.equals(wire)).findFirst();
        }
    }

    public enum Op {
        EQ("=="), NE("!="), LT("=lt="), LE("=le="), GT("=gt="), GE("=ge="), IN("=in=");

        private final String wire;

        Op(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        public boolean ordering() {
            return this == LT || this == LE || this == GT || this == GE;
        }

        /** Whether {@code c}, the sign of comparing the device's value with the term's, satisfies this op. */
        public boolean accepts(int c) {
            return switch (this) {
                case LT -> c < 0;
                case LE -> c <= 0;
                case GT -> c > 0;
                case GE -> c >= 0;
                default -> c == 0;
            };
        }
    }

    /**
     * One value of a term: the literal pieces between its wildcards ({@code Ac*e} is {@code [Ac, e]}); a
     * value without a wildcard is one piece.
     */
    public record Value(List<String> pieces) {
        public Value {
            pieces = List.copyOf(pieces);
        }

        public static Value literal(String text) {
            return new Value(List.of(text));
        }

        public boolean wildcard() {
            return pieces.size() > 1;
        }

        /** The value without wildcards. */
        public String text() {
            return String.join("*", pieces);
        }

        boolean matches(String s) {
            if (!wildcard()) {
                return s.equals(pieces.get(0));
            }
            String first = pieces.get(0);
            String last = pieces.get(pieces.size() - 1);
            if (s.length() < first.length() + last.length() || !s.startsWith(first) || !s.endsWith(last)) {
                return false;
            }
            int at = first.length();
            int end = s.length() - last.length();
            for (String piece : pieces.subList(1, pieces.size() - 1)) {
                int found = s.indexOf(piece, at);
                if (found < 0 || found + piece.length() > end) {
                    return false;
                }
                at = found + piece.length();
            }
            return true;
        }
    }

    /** {@code field op value(s)}; {@link #values()} has one value except for {@code =in=}. */
    public record Term(Field field, Op op, List<Value> values) {
        public Term {
            values = List.copyOf(values);
        }

        public Value value() {
            return values.get(0);
        }

        /** The value as a time (lastSeen terms; checked when parsed). */
        public Instant instant(Value v) {
            return OffsetDateTime.parse(v.text()).toInstant();
        }

        boolean matches(DeviceProfile p) {
            String actual = field.value.apply(p);
            boolean hit = actual != null && hit(actual);
            return op == Op.NE ? !hit : hit;
        }

        private boolean hit(String actual) {
            if (op.ordering()) {
                return switch (field.kind) {
                    case VERSION -> Version.parse(actual).map(a -> op.accepts(a.compareTo(Version.parse(value().text())
                            .orElseThrow()))).orElse(false);
                    case TIME -> op.accepts(Instant.parse(actual).compareTo(instant(value())));
                    default -> op.accepts(Integer.signum(actual.compareTo(value().text())));
                };
            }
            if (field.kind == Kind.TIME) {
                return values.stream().anyMatch(v -> Instant.parse(actual).equals(instant(v)));
            }
            return values.stream().anyMatch(v -> v.matches(actual));
        }
    }

    /** Whether the device's last reported profile matches (the meaning the store implements in SQL). */
    public boolean matches(DeviceProfile profile) {
        return anyOf.stream().anyMatch(all -> all.stream().allMatch(t -> t.matches(profile)));
    }

    /** Parses {@code text}; refuses with 400 SVC0002 naming the position and what was expected. */
    public static DeviceFilter parse(String text) {
        if (text == null || text.isEmpty()) {
            throw error(0, "a term (field, operator, value)");
        }
        if (text.length() > MAX_LENGTH) {
            throw ApiException.of(ApiError.INVALID_INPUT, "filter is at most " + MAX_LENGTH + " characters",
                    "filter");
        }
        return new Parser(text).filter();
    }

    private static ApiException error(int position, String expected) {
        return ApiException.of(ApiError.INVALID_INPUT, "filter does not parse: at position " + position
                + " (0-based) expected " + expected, "filter");
    }

    private static final class Parser {
        private final String s;
        private int at;
        private int terms;

        Parser(String s) {
            this.s = s;
        }

        DeviceFilter filter() {
            List<List<Term>> anyOf = new ArrayList<>();
            List<Term> all = new ArrayList<>();
            all.add(term());
            while (at < s.length()) {
                char c = s.charAt(at);
                if (c == ';') {
                    at++;
                    all.add(term());
                } else if (c == ',') {
                    at++;
                    anyOf.add(all);
                    all = new ArrayList<>();
                    all.add(term());
                } else {
                    throw error(at, "';' (and), ',' (or) or the end of the filter");
                }
            }
            anyOf.add(all);
            return new DeviceFilter(s, anyOf);
        }

        private Term term() {
            if (++terms > MAX_TERMS) {
                throw error(at, "the end of the filter (at most " + MAX_TERMS + " terms)");
            }
            int start = at;
            while (at < s.length() && Character.isLetter(s.charAt(at))) {
                at++;
            }
            String name = s.substring(start, at);
            Field field = Field.of(name).orElseThrow(() -> error(start, "a field: " + Arrays.stream(Field.values())
                    .map(Field::wire).collect(Collectors.joining(", "))));
            int opAt = at;
            Op op = op();
            if (op.ordering() && !field.ordered()) {
                throw error(opAt, "==, != or =in= (" + field.wire + " has no order; =lt=, =le=, =gt= and =ge= "
                        + "compare fwV, swV, hwV, lastSeen and line)");
            }
            List<Value> values = new ArrayList<>();
            if (op == Op.IN) {
                expect('(', "'(' opening the =in= list");
                values.add(checked(field, op));
                while (at < s.length() && s.charAt(at) == ',') {
                    at++;
                    if (values.size() == MAX_IN_VALUES) {
                        throw error(at - 1, "')' (an =in= list has at most " + MAX_IN_VALUES + " values)");
                    }
                    values.add(checked(field, op));
                }
                expect(')', "',' or ')' closing the =in= list");
            } else {
                values.add(checked(field, op));
            }
            return new Term(field, op, values);
        }

        private Op op() {
            for (Op op : Op.values()) {
                if (s.startsWith(op.wire, at)) {
                    at += op.wire.length();
                    return op;
                }
            }
            throw error(at, "an operator: ==, !=, =lt=, =le=, =gt=, =ge= or =in=");
        }

        private void expect(char c, String what) {
            if (at >= s.length() || s.charAt(at) != c) {
                throw error(at, what);
            }
            at++;
        }

        /** A value, checked against what its field holds. */
        private Value checked(Field field, Op op) {
            int start = at;
            Value v = value();
            boolean wildcardAllowed = (op == Op.EQ || op == Op.NE) && field.kind != Kind.TIME
                    && field.kind != Kind.BINDING;
            if (v.wildcard() && !wildcardAllowed) {
                throw error(start, "a value without '*' (a wildcard only in == and != on text, versions and lines)");
            }
            switch (field.kind) {
                case VERSION -> {
                    if (op.ordering() && Version.parse(v.text()).isEmpty()) {
                        throw error(start, "a version of dot-separated numbers (e.g. 4.10.0)");
                    }
                }
                case TIME -> {
                    try {
                        OffsetDateTime.parse(v.text());
                    } catch (DateTimeParseException e) {
                        throw error(start, "an RFC 3339 time (e.g. 2026-01-31T12:00:00Z)");
                    }
                }
                case BINDING -> {
                    if (Arrays.stream(Binding.values()).noneMatch(b -> b.wire().equals(v.text()))) {
                        throw error(start, "Confirmed or Unconfirmed");
                    }
                }
                case LINE -> {
                    if (v.wildcard()) {
                        return new Value(v.pieces().stream().map(Line::separatorsDropped).toList());
                    }
                    return Value.literal(Line.parse(v.text()).map(Line::value)
                            .orElseThrow(() -> error(start, "a line: tel:+ and 6 to 15 digits (E.164)")));
                }
                default -> { }
            }
            return v;
        }

        private Value value() {
            List<String> pieces = new ArrayList<>();
            StringBuilder piece = new StringBuilder();
            int start = at;
            if (at < s.length() && s.charAt(at) == '"') {
                at++;
                while (true) {
                    if (at >= s.length()) {
                        throw error(at, "'\"' closing the value opened at position " + start);
                    }
                    char c = s.charAt(at++);
                    if (c == '"') {
                        break;
                    }
                    if (!literal(c, piece, pieces)) {
                        throw error(at - 1, "a printable character or '\"'");
                    }
                }
            } else {
                while (at < s.length() && !reserved(s.charAt(at))) {
                    literal(s.charAt(at++), piece, pieces);
                }
                if (at == start) {
                    throw error(at, "a value (quoted with '\"' when it holds ; , \" ' ( ) = ! < > ~ or a space)");
                }
            }
            pieces.add(piece.toString());
            return new Value(pieces);
        }

        /** Appends one character (an escape takes the next one); a wildcard starts a new piece. */
        private boolean literal(char c, StringBuilder piece, List<String> pieces) {
            if (Character.isISOControl(c)) {
                return false;
            }
            if (c == '\\') {
                if (at >= s.length() || Character.isISOControl(s.charAt(at))) {
                    throw error(at, "a character after '\\'");
                }
                piece.append(s.charAt(at++));
            } else if (c == '*') {
                pieces.add(piece.toString());
                piece.setLength(0);
            } else {
                piece.append(c);
            }
            return true;
        }

        private static boolean reserved(char c) {
            return RESERVED.indexOf(c) >= 0 || Character.isWhitespace(c) || Character.isISOControl(c);
        }
    }
}
