package org.omatwin.core.dm;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * {@code @ExtendWith(OnPostgres.class)}: the test class's {@link DmFixture}s run on {@code JooqDmStore} and an
 * embedded PostgreSQL instead of the in-memory store, and the in-memory store is back after the class.
 */
final class OnPostgres implements BeforeAllCallback, AfterAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) {
        DmFixture.backend = DmStoreUnderTest::onPostgres;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        DmFixture.backend = DmStoreUnderTest::inMemory;
    }
}
