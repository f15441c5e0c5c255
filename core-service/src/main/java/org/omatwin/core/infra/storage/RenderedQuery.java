package org.omatwin.core.infra.storage;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Param;
import org.jooq.Query;
import org.jooq.Table;
import org.jooq.conf.ParamType;
import org.jooq.impl.DSL;

/**
 * A query written in jOOQ's DSL, rendered to SQL once and then run as a plain JDBC prepared statement.
 * For the hottest reads: rendering the SQL and mapping records through jOOQ on every call was about a
 * third of a REST read's CPU (JFR, bench/cpu-per-request.sh). The SQL stays written against the generated
 * schema; with the same text on every call, pgjdbc also keeps it as a server-side prepared statement.
 *
 * <pre>
 * RenderedQuery q = RenderedQuery.of(dsl -> dsl.selectFrom(T).where(T.ID.eq(RenderedQuery.arg("id"))), "id");
 * List&lt;X&gt; rows = q.list(db, rs -> ..., id);
 * </pre>
 */
public final class RenderedQuery {
    /** Marks an argument's place among the bind values at rendering; never sent to the database. */
    private static final String MARK = "\u0000arg:";
    /** Renders like {@link Database}'s context (the same dialect and settings), without a connection. */
    private static final DSLContext RENDERER = DSL.using(org.jooq.SQLDialect.POSTGRES, Database.SETTINGS);

    /** Reads one row of the result. */
    @FunctionalInterface
    public interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private final String sql;
    /** For each '?': the index of the argument it takes, or -1 for a constant of the query. */
    private final int[] argOf;
    private final Object[] constants;
    private final int arguments;

    private RenderedQuery(String sql, int[] argOf, Object[] constants, int arguments) {
        this.sql = sql;
        this.argOf = argOf;
        this.constants = constants;
        this.arguments = arguments;
    }

    /** A string argument of the query, bound by name at each call (see {@link #of}). */
    public static Param<String> arg(String name) {
        return DSL.param(name, MARK + name);
    }

    /**
     * @param query the query, with its call-time values as {@link #arg}s (the others are constants)
     * @param argNames the order in which {@link #list} takes the arguments' values
     */
    public static RenderedQuery of(Function<DSLContext, ? extends Query> query, String... argNames) {
        Query q = query.apply(RENDERER);
        List<Object> binds = q.getBindValues();
        int[] argOf = new int[binds.size()];
        Object[] constants = new Object[binds.size()];
        List<String> names = Arrays.asList(argNames);
        boolean[] used = new boolean[argNames.length];
        for (int i = 0; i < binds.size(); i++) {
            Object v = binds.get(i);
            if (v instanceof String s && s.startsWith(MARK)) {
                int arg = names.indexOf(s.substring(MARK.length()));
                if (arg < 0) {
                    throw new IllegalArgumentException("argument " + s.substring(MARK.length()) + " is not named in "
                            + names);
                }
                argOf[i] = arg;
                used[arg] = true;
            } else {
                argOf[i] = -1;
                constants[i] = v;
            }
        }
        for (int a = 0; a < used.length; a++) {
            if (!used[a]) {
                throw new IllegalArgumentException("argument " + argNames[a] + " is not in the query");
            }
        }
        return new RenderedQuery(q.getSQL(ParamType.INDEXED), argOf, constants, argNames.length);
    }

    /** One row's values by column, as JDBC converted them (no jOOQ record, converters or change flags). */
    public static final class Columns {
        private final Map<Field<?>, Integer> index;
        private final Object[] values;

        private Columns(Map<Field<?>, Integer> index, Object[] values) {
            this.index = index;
            this.values = values;
        }

        public <T> T get(Field<T> field) {
            Integer i = index.get(field);
            if (i == null) {
                throw new IllegalArgumentException("no column " + field + " in this row");
            }
            return field.getType().cast(values[i]);
        }
    }

    /** Rows of a query that selects {@code table.fields()} in their order (as {@code selectFrom(table)} does). */
    public static Row<Columns> columns(Table<?> table) {
        Field<?>[] fields = table.fields();
        Map<Field<?>, Integer> index = new IdentityHashMap<>();
        for (int i = 0; i < fields.length; i++) {
            index.put(fields[i], i);
        }
        return rs -> {
            Object[] values = new Object[fields.length];
            for (int i = 0; i < fields.length; i++) {
                values[i] = rs.getObject(i + 1, fields[i].getType());
            }
            return new Columns(index, values);
        };
    }

    /** The SQL sent to the database (tests, logs). */
    public String sql() {
        return sql;
    }

    /**
     * Runs the query on {@code db}'s connection (the transaction's when {@code db} is a transaction's
     * context) and maps every row. Failures surface as jOOQ's {@code DataAccessException}, as with the DSL.
     */
    public <T> List<T> list(DSLContext db, Row<T> row, Object... args) {
        if (args.length != arguments) {
            throw new IllegalArgumentException("expected " + arguments + " arguments, got " + args.length);
        }
        return db.connectionResult(connection -> {
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                for (int i = 0; i < argOf.length; i++) {
                    ps.setObject(i + 1, argOf[i] < 0 ? constants[i] : args[argOf[i]]);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    List<T> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(row.map(rs));
                    }
                    return out;
                }
            }
        });
    }
}
