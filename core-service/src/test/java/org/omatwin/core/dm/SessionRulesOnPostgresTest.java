package org.omatwin.core.dm;

import org.junit.jupiter.api.extension.ExtendWith;

/** Every rule of {@link SessionRulesTest} again, on {@code JooqDmStore} and an embedded PostgreSQL. */
@ExtendWith(OnPostgres.class)
class SessionRulesOnPostgresTest extends SessionRulesTest {
}
