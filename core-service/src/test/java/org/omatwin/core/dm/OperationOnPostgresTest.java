package org.omatwin.core.dm;

import org.junit.jupiter.api.extension.ExtendWith;

/** Every rule of {@link OperationTest} again, on {@code JooqDmStore} and an embedded PostgreSQL. */
@ExtendWith(OnPostgres.class)
class OperationOnPostgresTest extends OperationTest {
}
