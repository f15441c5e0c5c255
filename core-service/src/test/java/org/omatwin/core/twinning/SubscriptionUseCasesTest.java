package org.omatwin.core.twinning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.omatwin.core.twinning.support.Refusals.refusal;
import static org.omatwin.core.twinning.support.TwinningFixture.T0;
import static org.omatwin.core.twinning.support.TwinningFixture.tel;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.outbox.CallbackTargetPolicy;
import org.omatwin.core.twinning.subscription.Subscription;
import org.omatwin.core.twinning.subscription.SubscriptionUseCases;
import org.omatwin.core.twinning.support.InMemorySubscriptionStore;
import org.omatwin.testsupport.MutableClock;

/** Subscriptions to twinning events, straight on {@link SubscriptionUseCases} over the in-memory store. */
class SubscriptionUseCasesTest {
    private static final Duration DEFAULT = Duration.ofHours(1);
    private static final Duration MAX = Duration.ofDays(1);
    private static final int MAX_PER_DEVICE = 2;
    private static final String URL = "https://app.example.com/notify";

    private final MutableClock clock = new MutableClock(T0);
    private final InMemorySubscriptionStore store = new InMemorySubscriptionStore();
    private final List<URI> checkedTargets = new ArrayList<>();
    /** Refuses callbacks into the 10.x network, as the operator's policy would. */
    private final CallbackTargetPolicy targets = url -> {
        checkedTargets.add(url);
        if (url.getHost().startsWith("10.")) {
            throw ApiException.of(ApiError.INVALID_INPUT, "notifyURL must not point into a private network",
                    "callbackReference.notifyURL");
        }
    };
    private final SubscriptionUseCases uc = new SubscriptionUseCases(store.transactions(), DEFAULT, MAX,
            MAX_PER_DEVICE, targets, clock);
    private final DeviceAddress watch = tel();

    private Subscription subscribe(DeviceAddress device, Integer seconds, String correlator) {
        return uc.create(device, URL, "cb", "JSON", seconds, correlator);
    }

    @Test
    void noDurationOrZeroGetsTheServerDefault() {
        Subscription none = subscribe(watch, null, null);
        assertThat(none.durationSeconds()).isEqualTo(3600);
        assertThat(none.expiresAt()).isEqualTo(T0.plus(DEFAULT));
        assertThat(none.createdAt()).isEqualTo(T0);
        assertThat(none.notifyUrl()).isEqualTo(URI.create(URL));
        assertThat(none.callbackData()).isEqualTo("cb");
        assertThat(none.device()).isEqualTo(watch);

        assertThat(subscribe(watch, 0, null).durationSeconds()).isEqualTo(3600);
    }

    @Test
    void aDurationIsGrantedUpToTheMaximum() {
        assertThat(subscribe(watch, 120, null).expiresAt()).isEqualTo(T0.plusSeconds(120));
        Subscription capped = subscribe(watch, (int) MAX.toSeconds() + 1, null);
        assertThat(capped.durationSeconds()).isEqualTo((int) MAX.toSeconds());
        assertThat(capped.expiresAt()).isEqualTo(T0.plus(MAX));
    }

    @Test
    void aNegativeDurationIsRefused() {
        assertThat(refusal(ApiError.INVALID_INPUT, () -> subscribe(watch, -1, null)).variables())
                .containsExactly("duration");
        assertThat(store.all()).isEmpty();
    }

    @Test
    void aDeviceHasAtMostMaxSubscriptionsAndExpiredOrDeletedOnesDoNotCount() {
        Subscription shortOne = subscribe(watch, 60, null);
        subscribe(watch, null, null);

        ApiException e = refusal(ApiError.POLICY_LIMIT, () -> subscribe(watch, null, null));
        assertThat(e.error().messageId()).isEqualTo("POL0001");
        assertThat(store.all()).hasSize(2);
        // another device has its own limit
        subscribe(tel(), null, null);

        clock.advance(Duration.ofSeconds(60));
        Subscription third = subscribe(watch, null, null);
        assertThat(uc.list(watch)).extracting(Subscription::id).doesNotContain(shortOne.id()).contains(third.id());
        refusal(ApiError.POLICY_LIMIT, () -> subscribe(watch, null, null));

        uc.delete(watch, third.id());
        assertThat(subscribe(watch, null, null).id()).isNotEqualTo(third.id());
    }

    @Test
    void theCallbackTargetPolicyDecidesAndARefusedTargetStoresNothing() {
        ApiException e = refusal(ApiError.INVALID_INPUT,
                () -> uc.create(watch, "http://10.0.0.7/hook", null, null, null, null));
        assertThat(e.variables()).containsExactly("callbackReference.notifyURL");
        assertThat(checkedTargets).containsExactly(URI.create("http://10.0.0.7/hook"));
        assertThat(store.all()).isEmpty();
        assertThat(uc.create(watch, "http://app.example.com/hook", null, null, null, null).notifyUrl())
                .isEqualTo(URI.create("http://app.example.com/hook"));
    }

    @Test
    void theNotifyUrlMustBeAnAbsoluteHttpUrlWithoutCredentials() {
        String element = "callbackReference.notifyURL";
        assertThat(refusal(ApiError.MISSING_ELEMENT, () -> uc.create(watch, null, null, null, null, null))
                .variables()).containsExactly(element);
        refusal(ApiError.MISSING_ELEMENT, () -> uc.create(watch, "", null, null, null, null));
        for (String bad : List.of("ftp://app.example.com/x", "/relative", "https://user:pw@app.example.com/x",
                "https://app.example.com/" + "x".repeat(2048), "http://bad host/")) {
            assertThat(refusal(ApiError.INVALID_INPUT, () -> uc.create(watch, bad, null, null, null, null))
                    .variables()).as(bad).containsExactly(element);
        }
        assertThat(checkedTargets).isEmpty();
        assertThat(store.all()).isEmpty();
    }

    @Test
    void onlyTheJsonFormatAndCallbackDataUpTo1024Characters() {
        refusal(ApiError.INVALID_INPUT, () -> uc.create(watch, URL, null, "XML", null, null));
        refusal(ApiError.INVALID_INPUT, () -> uc.create(watch, URL, "d".repeat(1025), "JSON", null, null));
        assertThat(uc.create(watch, URL, "d".repeat(1024), null, null, null).callbackData()).hasSize(1024);
    }

    @Test
    void theSameCorrelatorReturnsTheExistingSubscriptionEvenAtTheLimit() {
        Subscription first = subscribe(watch, null, "corr-1");
        subscribe(watch, null, null);

        Subscription again = subscribe(watch, 999, "corr-1");
        assertThat(again).isEqualTo(first);
        assertThat(store.all()).hasSize(2);
        // the correlator is per device
        DeviceAddress other = tel();
        assertThat(subscribe(other, null, "corr-1").id()).isNotEqualTo(first.id());
        // an expired subscription's correlator may be used again
        clock.advance(DEFAULT);
        assertThat(subscribe(watch, null, "corr-1").id()).isNotEqualTo(first.id());
    }

    @Test
    void listAndGetShowTheDevicesLiveSubscriptionsOnly() {
        Subscription a = subscribe(watch, 60, null);
        clock.advance(Duration.ofSeconds(1));
        Subscription b = subscribe(watch, null, null);
        DeviceAddress other = tel();
        Subscription theirs = subscribe(other, null, null);

        assertThat(uc.list(watch)).containsExactly(a, b);
        assertThat(uc.get(watch, b.id())).isEqualTo(b);
        assertThat(refusal(ApiError.NOT_FOUND, () -> uc.get(watch, theirs.id())).error().messageId())
                .isEqualTo("SVC2008");
        refusal(ApiError.NOT_FOUND, () -> uc.get(watch, "nope"));

        clock.advance(Duration.ofSeconds(59));
        assertThat(uc.list(watch)).containsExactly(b);
        refusal(ApiError.NOT_FOUND, () -> uc.get(watch, a.id()));
    }

    @Test
    void deleteCancelsTheSubscriptionOfThisDeviceOnly() {
        Subscription mine = subscribe(watch, null, null);
        DeviceAddress other = tel();
        Subscription theirs = subscribe(other, null, null);

        ApiException e = refusal(ApiError.NOT_FOUND, () -> uc.delete(watch, theirs.id()));
        assertThat(e.variables()).containsExactly("subscriptionId");
        assertThat(uc.get(other, theirs.id())).isEqualTo(theirs);

        uc.delete(watch, mine.id());
        assertThat(uc.list(watch)).isEmpty();
        assertThat(store.cancelledNotifications()).containsExactly(mine.id());
        refusal(ApiError.NOT_FOUND, () -> uc.delete(watch, mine.id()));
    }
}
