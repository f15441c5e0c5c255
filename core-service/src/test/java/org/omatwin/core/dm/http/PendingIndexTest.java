package org.omatwin.core.dm.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.omatwin.core.dm.device.DevId;

class PendingIndexTest {
    private final DevId watch = DevId.of("urn:imei:356938035643809");
    private final PendingIndex index = new PendingIndex();

    @Test
    void nothingIsKnownUntilTheAnnouncementChannelListens() {
        index.recordRead(watch, index.versionBeforeRead(watch), true);
        assertThat(index.knownEmpty(watch)).isFalse();
        index.listening();
        index.recordRead(watch, index.versionBeforeRead(watch), true);
        assertThat(index.knownEmpty(watch)).isTrue();
    }

    @Test
    void anAnnouncementMakesTheDeviceAskTheDatabaseAgain() {
        index.listening();
        index.recordRead(watch, index.versionBeforeRead(watch), true);
        index.pending(watch);
        assertThat(index.knownEmpty(watch)).isFalse();
        // the database says pending: nothing is remembered, the next poll reads again
        index.recordRead(watch, index.versionBeforeRead(watch), false);
        assertThat(index.knownEmpty(watch)).isFalse();
    }

    @Test
    void aReadThatRacedWithAnAnnouncementIsNotRemembered() {
        index.listening();
        long before = index.versionBeforeRead(watch);
        index.pending(watch); // committed and announced while the read was on its way
        index.recordRead(watch, before, true);
        assertThat(index.knownEmpty(watch)).isFalse();
    }

    @Test
    void losingTheChannelForgetsEverything() {
        index.listening();
        index.recordRead(watch, index.versionBeforeRead(watch), true);
        index.deaf();
        assertThat(index.knownEmpty(watch)).isFalse();
        index.listening();
        assertThat(index.knownEmpty(watch)).as("announcements may have been missed meanwhile").isFalse();
    }
}
