package org.omatwin.core.twinning;

import org.omatwin.core.infra.storage.Transactions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.omatwin.core.store.schema.Tables.TWINNING;
import static org.omatwin.core.support.Rest.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.support.Devices;
import org.omatwin.core.support.Rest.Response;
import org.omatwin.core.support.TestCore;

/** Races over real HTTP against real PostgreSQL: the rules hold under concurrency. */
class ConcurrencyTest {

    private static List<Response> race(List<Callable<Response>> calls) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(calls.size());
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Response>> futures = new ArrayList<>();
            for (Callable<Response> c : calls) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return c.call();
                }));
            }
            start.countDown();
            List<Response> out = new ArrayList<>();
            for (Future<Response> f : futures) {
                out.add(f.get(60, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private static Map<Integer, Long> byStatus(List<Response> responses) {
        return responses.stream().collect(Collectors.groupingBy(Response::status, Collectors.counting()));
    }

    @Test
    void twentyParallelRedemptionsOfOneCodeHaveExactlyOneWinner() throws Exception {
        String watch = Devices.tel();
        Response pending = requestCode(watch);
        String code = pending.twinning().path("activationCode").path("code").asText();
        List<Callable<Response>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String phone = Devices.tel();
            calls.add(() -> activate(phone, code, null));
        }
        List<Response> results = race(calls);
        assertThat(byStatus(results)).containsEntry(201, 1L).containsEntry(400, 19L);
        assertThat(results.stream().filter(r -> r.status() == 400).map(Response::messageId)).containsOnly("SVC0002");
        String winner = results.stream().filter(r -> r.status() == 201).findFirst().orElseThrow()
                .twinning().path("ownAddress").asText();
        assertThat(get(pending.twinning().path("resourceURL").asText()).twinning().path("otherDevice")
                .path("address").asText()).isEqualTo(winner);
    }

    @Test
    void twentySecondariesRacingForOnePrimaryNeverExceedTheLimit() throws Exception {
        String phone = Devices.tel();
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            codes.add(requestCode(Devices.tel()).twinning().path("activationCode").path("code").asText());
        }
        List<Callable<Response>> calls = new ArrayList<>();
        for (String code : codes) {
            calls.add(() -> activate(phone, code, null));
        }
        List<Response> results = race(calls);
        assertThat(byStatus(results)).containsEntry(201, 5L).containsEntry(403, 15L);
        assertThat(results.stream().filter(r -> r.status() == 403).map(Response::messageId)).containsOnly("POL2008");
        int stored = TestCore.get().database().dsl().fetchCount(TWINNING,
                TWINNING.PRIMARY_ADDRESS.eq(phone).and(TWINNING.STATUS.in("ON", "OFF")));
        assertThat(stored).isEqualTo(5);
        // Default names stay unique under the race (HLF-TE-007).
        assertThat(get(url(phone, "/twinnings")).json().path("twinningList").path("twinning").findValuesAsText("name"))
                .doesNotHaveDuplicates().hasSize(5);
    }

    @Test
    void parallelTogglesFromBothSidesAllCommitAndEndConsistent() throws Exception {
        String phone = Devices.tel();
        String watch = Devices.tel();
        Response p = twin(phone, watch);
        String id = id(p);
        List<Callable<Response>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String who = i % 2 == 0 ? phone : watch;
            String status = i % 3 == 0 ? "Off" : "On";
            calls.add(() -> put(url(who, "/twinnings/" + id + "/twinningStatus"), "{\"twinningStatus\":\"" + status + "\"}"));
        }
        assertThat(byStatus(race(calls))).containsOnlyKeys(200);
        String fromPrimary = get(url(phone, "/twinnings/" + id + "/twinningStatus")).json().path("twinningStatus").asText();
        String fromSecondary = get(url(watch, "/twinnings/" + id + "/twinningStatus")).json().path("twinningStatus").asText();
        assertThat(fromPrimary).isEqualTo(fromSecondary).isIn("On", "Off");
    }

    @Test
    void aStaleWriteIsAConcurrentModificationSvc2007() {
        Response p = twin(Devices.tel(), Devices.tel());
        Transactions<TwinningStore> tx = TestCore.get().database().transactions(org.omatwin.core.twinning.store.JooqTwinningStore::new);
        Twinning stale = tx.inTransaction(store -> store.findById(id(p)).orElseThrow());
        tx.inTransaction(store -> store.update(stale.toggle(TwinningStatus.OFF, stale.createdAt().plusSeconds(1))));
        Function<TwinningStore, Twinning> lostUpdate = store -> store.update(stale.rename(Role.PRIMARY, "Late"));
        assertThatThrownBy(() -> tx.inTransaction(lostUpdate))
                .isInstanceOf(ApiException.class)
                .extracting(e -> ((ApiException) e).error()).isEqualTo(ApiError.CONFLICT);
        assertThat(get(p.twinning().path("resourceURL").asText()).twinning().path("name").asText())
                .isNotEqualTo("Late");
    }
}
