package org.omatwin.core.dm;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Every rule of {@link DmEventsTest} again, on {@code JooqDmStore} and an embedded PostgreSQL. */
class DmEventsOnPostgresTest extends DmEventsTest {

    @BeforeAll
    static void onPostgres() {
        DmFixture.backend = DmStoreUnderTest::onPostgres;
    }

    @AfterAll
    static void backInMemory() {
        DmFixture.backend = DmStoreUnderTest::inMemory;
    }
}
