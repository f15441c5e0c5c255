package org.omatwin.core.infra.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.omatwin.core.infra.storage.RenderedQuery.arg;
import static org.omatwin.core.store.schema.Tables.TWINNING;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.omatwin.core.store.schema.tables.records.TwinningRecord;
import org.omatwin.core.support.TestCore;

/** Queries rendered once by jOOQ and run as plain prepared statements give what the DSL gives. */
class RenderedQueryTest {
    private final DSLContext dsl = TestCore.get().database().dsl();

    @Test
    void argumentsAreBoundByNameWhereverTheyStandAndConstantsStay() {
        RenderedQuery q = RenderedQuery.of(d -> d.select(arg("b"), arg("a"), DSL.val("k"), arg("a")), "a", "b");
        assertThat(q.sql()).doesNotContain("arg:").containsPattern("(?s)\\?.*\\?.*\\?.*\\?");
        assertThat(q.list(dsl, rs -> rs.getString(1) + rs.getString(2) + rs.getString(3) + rs.getString(4), "A", "B"))
                .containsExactly("BAkA");
        // the same SQL text on every call: pgjdbc turns it into a server-side prepared statement
        for (int i = 0; i < 10; i++) {
            assertThat(q.list(dsl, rs -> rs.getString(2), "x" + i, "y")).containsExactly("x" + i);
        }
    }

    @Test
    void everyArgumentMustBeNamedAndUsed() {
        assertThatThrownBy(() -> RenderedQuery.of(d -> d.select(arg("a")), "a", "b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("b is not in the query");
        assertThatThrownBy(() -> RenderedQuery.of(d -> d.select(arg("a"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a is not named");
        RenderedQuery q = RenderedQuery.of(d -> d.select(arg("a")), "a");
        assertThatThrownBy(() -> q.list(dsl, rs -> rs.getString(1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theColumnsOfATableAreWhatJooqFetches() {
        String id = "rq-" + UUID.randomUUID();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).withNano(123_456_000);
        TwinningRecord stored = dsl.newRecord(TWINNING);
        stored.setId(id);
        stored.setSecondaryAddress("tel:+447000999001");
        stored.setPrimaryAddress("tel:+447000999002");
        stored.setStatus("ON");
        stored.setName("Watch");
        stored.setCreatedAt(now);
        stored.setActivatedAt(now.plusSeconds(1));
        stored.setVersion(7);
        stored.setPrimaryEndpoints("{\"a\":1}");
        stored.insert();
        try {
            RenderedQuery q = RenderedQuery.of(d -> d.selectFrom(TWINNING).where(TWINNING.ID.eq(arg("id"))), "id");
            RenderedQuery.Columns read = q.list(dsl, RenderedQuery.columns(TWINNING), id).get(0);
            TwinningRecord fetched = dsl.fetchOne(TWINNING, TWINNING.ID.eq(id));
            for (Field<?> f : TWINNING.fields()) {
                assertThat((Object) read.get(f)).as(f.getName()).isEqualTo(fetched.get(f));
            }
            assertThat(read.get(TWINNING.ACTIVATED_AT).toInstant()).isEqualTo(now.plusSeconds(1).toInstant());
            assertThat(read.get(TWINNING.CODE_HASH)).isNull();
            assertThatThrownBy(() -> read.get(org.omatwin.core.store.schema.Tables.TWINNING_EVENT.ID))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(q.list(dsl, RenderedQuery.columns(TWINNING), "no-such-id")).isEmpty();
        } finally {
            dsl.deleteFrom(TWINNING).where(TWINNING.ID.eq(id)).execute();
        }
    }
}
