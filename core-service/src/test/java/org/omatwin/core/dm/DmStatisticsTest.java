package org.omatwin.core.dm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.omatwin.core.dm.DmFixture.PHONE;
import static org.omatwin.core.dm.DmFixture.WATCH;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.omatwin.core.dm.operation.SessionMode;
import org.omatwin.core.dm.store.DmPostgres;
import org.omatwin.core.dm.store.DmStatistics;

/** The fleet's gauges, read from PostgreSQL: sessions by state, operations not yet final by type and state. */
@ExtendWith(OnPostgres.class)
class DmStatisticsTest {

    @Test
    void gaugesCountPendingAndStartedSessionsAndOpenOperations() {
        DmFixture dm = new DmFixture();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DmStatistics statistics = new DmStatistics(DmPostgres.database().dsl(), registry);
        dm.retrieve("./DevInfo/Man");
        dm.retrieve("./DevDetail/FwV");
        dm.retrieve(PHONE, SessionMode.BACKGROUND, "./DevInfo/Man");
        dm.sessions.next(WATCH, null).orElseThrow();
        statistics.refresh();

        assertThat(registry.get("dm.sessions").tag("state", "started").gauge().value()).isEqualTo(1);
        assertThat(registry.get("dm.sessions").tag("state", "pending").gauge().value()).isEqualTo(1);
        assertThat(registry.get("dm.operations.open").tags("type", "retrieve", "state", "Delivered").gauge().value())
                .isEqualTo(2);
        assertThat(registry.get("dm.operations.open").tags("type", "retrieve", "state", "Queued").gauge().value())
                .isEqualTo(1);
    }
}
