package org.omatwin.core.store;

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
    void theSchemaIsMigratedByFlyway() {
        var dsl = TestCore.get().database().dsl();
        // Every script in db/migration (V1__..., V2__..., ...) has been applied.
        long scripts;
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of("src/main/resources/db/migration"))) {
            scripts = files.filter(f -> f.getFileName().toString().matches("V[0-9]+__.*\\.sql")).count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThat(dsl.fetchValue("select max(version::int) from flyway_schema_history where success"))
                .isEqualTo((int) scripts);
    }
}
