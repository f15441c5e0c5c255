package org.omatwin.core.dm;

import org.junit.jupiter.api.extension.ExtendWith;

/** Every rule of {@link DmEventsTest} again, on {@code JooqDmStore} and an embedded PostgreSQL. */
@ExtendWith(OnPostgres.class)
class DmEventsOnPostgresTest extends DmEventsTest {
}
