package org.omatwin.core.dm;

import org.junit.jupiter.api.extension.ExtendWith;

/** Every rule of {@link DataItemTest} again, on {@code JooqDmStore} and an embedded PostgreSQL. */
@ExtendWith(OnPostgres.class)
class DataItemOnPostgresTest extends DataItemTest {
}
