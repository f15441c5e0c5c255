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
        // every versioned script in db/migration, up to the newest (versions such as 8_1 are Flyway's 8.1)
        String newest;
        try (var scripts = java.nio.file.Files.list(java.nio.file.Path.of("src/main/resources/db/migration"))) {
            newest = scripts.map(p -> p.getFileName().toString()).filter(n -> n.matches("V[0-9]+(_[0-9]+)*__.*\\.sql"))
                    .map(n -> n.substring(1, n.indexOf("__")).replace('_', '.'))
                    .max(java.util.Comparator.comparing(v -> java.util.Arrays.stream(v.split("\\."))
                            .mapToInt(Integer::parseInt).toArray(), java.util.Arrays::compare)).orElseThrow();
        }
        assertThat(dsl.fetchValue("select version from flyway_schema_history where success and version is not null"
                + " order by string_to_array(version, '.')::int[] desc limit 1")).isEqualTo(newest);
    }
}
