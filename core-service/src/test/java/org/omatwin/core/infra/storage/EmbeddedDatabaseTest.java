package org.omatwin.core.infra.storage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.omatwin.core.support.TestCore;

class EmbeddedDatabaseTest {

    @Test
    void theEmbeddedPostgresqlIsDurable() {
        var dsl = TestCore.get().database().dsl();
        assertThat(dsl.fetchValue("select current_setting('fsync')")).isEqualTo("on");
        assertThat(dsl.fetchValue("select current_setting('synchronous_commit')")).isEqualTo("on");
        assertThat(dsl.fetchValue("select current_setting('full_page_writes')")).isEqualTo("on");
    }

    @Test
    void theSchemaIsMigratedByFlyway() throws Exception {
        var dsl = TestCore.get().database().dsl();
        // every versioned script in db/migration, up to the newest
        int newest;
        try (var scripts = java.nio.file.Files.list(java.nio.file.Path.of("src/main/resources/db/migration"))) {
            newest = scripts.map(p -> p.getFileName().toString()).filter(n -> n.matches("V[0-9]+__.*\\.sql"))
                    .mapToInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__")))).max().orElseThrow();
        }
        assertThat(dsl.fetchValue("select max(version::int) from flyway_schema_history where success"))
                .isEqualTo(newest);
    }
}
