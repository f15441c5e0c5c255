package org.omatwin.core.dm.store;

import static org.omatwin.core.infra.storage.SqlTimes.odt;
import static org.omatwin.core.store.schema.Tables.DM_DEVICE;
import static org.omatwin.core.store.schema.Tables.SUBSCRIBER_LINE;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;
import org.jooq.Condition;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.omatwin.core.dm.device.Binding;
import org.omatwin.core.dm.device.DeviceFilter;
import org.omatwin.core.dm.device.Reach;
import org.omatwin.core.dm.device.DeviceFilter.Op;
import org.omatwin.core.dm.device.DeviceFilter.Term;
import org.omatwin.core.dm.device.DeviceFilter.Value;
import org.omatwin.core.dm.device.Version;

/**
 * A parsed {@link DeviceFilter} as a condition on {@code dm_device}, with the meaning of
 * {@link DeviceFilter#matches}. Every value the caller wrote is a bind value; the only SQL text here is
 * fixed. Versions compare as numeric arrays ({@code string_to_array(fw_v, '.')::numeric[]}), cast only
 * when the reported version is dot-separated digits (a CASE, so the cast never sees anything else:
 * other versions compare as NULL and match no ordering term).
 */
final class DeviceFilterSql {
    private DeviceFilterSql() {}

    /** The devices within a client's reach (section 6): every one, a subscriber's lines, or a filter. */
    static Condition condition(Reach reach) {
        return switch (reach) {
            case Reach.All all -> DSL.noCondition();
            case Reach.Subscribers s -> DM_DEVICE.LINE.in(DSL.select(SUBSCRIBER_LINE.DEVICE_ADDRESS)
                    .from(SUBSCRIBER_LINE).where(SUBSCRIBER_LINE.SUBSCRIBER_ID.in(s.subscriberIds())));
            case Reach.Matching m -> condition(m.filter());
        };
    }

    static Condition condition(DeviceFilter filter) {
        return DSL.or(filter.anyOf().stream().map(all -> DSL.and(all.stream().map(DeviceFilterSql::term).toList()))
                .toList());
    }

    private static Condition term(Term t) {
        Condition hit = switch (t.field().kind()) {
            case VERSION -> t.op().ordering() ? compare(version(column(t)), version(DSL.val(t.value().text())), t.op())
                    : text(column(t), t.values());
            case TIME -> t.op().ordering() ? compare(DM_DEVICE.LAST_SEEN, DSL.val(time(t, t.value())), t.op())
                    : DM_DEVICE.LAST_SEEN.in(t.values().stream().map(v -> time(t, v)).toList());
            case LINE -> t.op().ordering() ? compare(DM_DEVICE.LINE, DSL.val(t.value().text()), t.op())
                    : text(DM_DEVICE.LINE, t.values());
            case BINDING -> DSL.or(t.values().stream().map(v -> Binding.CONFIRMED.wire().equals(v.text())
                    ? DM_DEVICE.LINE.isNotNull() : DM_DEVICE.LINE.isNull()).toList());
            case TEXT -> text(column(t), t.values());
        };
        // != also matches a device that never reported the field (NULL), like the in-memory meaning
        return t.op() == Op.NE ? DSL.condition("({0}) is not true", hit) : hit;
    }

    private static Field<String> column(Term t) {
        return switch (t.field()) {
            case MAN -> DM_DEVICE.MAN;
            case MOD -> DM_DEVICE.MOD;
            case DEV_TYP -> DM_DEVICE.DEV_TYP;
            case FW_V -> DM_DEVICE.FW_V;
            case SW_V -> DM_DEVICE.SW_V;
            case HW_V -> DM_DEVICE.HW_V;
            case LINE -> DM_DEVICE.LINE;
            case LAST_SEEN, BINDING -> throw new IllegalArgumentException("not a text column: " + t.field());
        };
    }

    /** Equality with any of the values; a value with wildcards is a LIKE with the literal parts escaped. */
    private static Condition text(Field<String> column, List<Value> values) {
        return DSL.or(values.stream().map(v -> v.wildcard()
                ? column.like(DSL.val(String.join("%", v.pieces().stream().map(DeviceFilterSql::escaped).toList())),
                        '\\')
                : column.eq(DSL.val(v.text()))).toList());
    }

    private static String escaped(String literal) {
        return literal.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    private static Field<BigDecimal[]> version(Field<String> text) {
        return DSL.field("case when {0} ~ {1} then string_to_array({0}, '.')::numeric[] end",
                SQLDataType.NUMERIC.array(), text, DSL.val(Version.NUMERIC));
    }

    private static <T> Condition compare(Field<T> left, Field<T> right, Op op) {
        return switch (op) {
            case LT -> left.lt(right);
            case LE -> left.le(right);
            case GT -> left.gt(right);
            case GE -> left.ge(right);
            default -> throw new IllegalArgumentException("not an ordering: " + op);
        };
    }

    private static OffsetDateTime time(Term t, Value v) {
        return odt(t.instant(v));
    }
}
