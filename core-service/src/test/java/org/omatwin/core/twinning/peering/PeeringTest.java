package org.omatwin.core.twinning.peering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.omatwin.core.support.Listener;
import org.omatwin.core.support.Operator;
import org.omatwin.core.support.PeerCertificates;
import org.omatwin.core.support.Rest.Response;
import org.omatwin.proto.peering.v1.MnoPeeringServiceGrpc;
import org.omatwin.proto.peering.v1.PropagateDeactivationRequest;
import org.omatwin.proto.peering.v1.PropagateStatusRequest;
import org.omatwin.proto.peering.v1.RedeemActivationCodeRequest;
import org.omatwin.proto.peering.v1.RequestActivationCodeRequest;

/**
 * Two MNOs, each a real core with its own PostgreSQL, peering over gRPC with mutual TLS on loopback:
 * A (310-410) serves the primaries (phones, tel:+1555...), B (208-01) the secondaries (watches,
 * tel:+3361...). Devices use each operator's REST API. C (262-07) is a third partner known to B only.
 */
class PeeringTest {
    private static final String A_NAME = "peer.mno-a.test";
    private static final String B_NAME = "peer.mno-b.test";
    private static final String C_NAME = "peer.mno-c.test";
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static PeerCertificates certs;
    private static Operator a;
    private static Operator b;
    /** A's authorization server endpoint that mints authCodes: code by "primary secondary". */
    private static HttpServer authCodes;
    private static final Map<String, String> MINTED = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        authCodes = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        authCodes.createContext("/internal/auth-codes", exchange -> {
            Map<String, String> form = new HashMap<>();
            for (String pair : new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)
                    .split("&")) {
                String[] kv = pair.split("=", 2);
                form.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
            }
            String code = "ac" + UUID.randomUUID().toString().replace("-", "");
            MINTED.put(form.get("primary") + " " + form.get("secondary"), code);
            byte[] body = ("{\"code\":\"" + code + "\"}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(201, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        authCodes.start();
        certs = PeerCertificates.create(A_NAME, B_NAME, C_NAME, "peer.stranger.test");
        a = new Operator("mno-a", "310", "410");
        b = new Operator("mno-b", "208", "01");
        a.set("TWIN_AUTH_CODE_URL", "http://127.0.0.1:" + authCodes.getAddress().getPort() + "/internal/auth-codes")
                .identity(certs.certificate(A_NAME), certs.key(A_NAME))
                .partner(b.mccMnc(), b.peerEndpoint(), certs.ca(B_NAME), B_NAME, "tel:+3361")
                .start();
        b.set("TWIN_PEER_MAX_PENDING_CODES", "3")
                .identity(certs.certificate(B_NAME), certs.key(B_NAME))
                .partner(a.mccMnc(), a.peerEndpoint(), certs.ca(A_NAME), A_NAME, "tel:+1555")
                .partner("262-07", "127.0.0.1:1", certs.ca(C_NAME), C_NAME, "tel:+49")
                .start();
    }

    @AfterAll
    static void stop() {
        if (authCodes != null) {
            authCodes.stop(0);
        }
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    private static String phone() {
        return "tel:+1555" + String.format("%07d", ThreadLocalRandom.current().nextInt(10_000_000));
    }

    private static String watch() {
        return "tel:+3361" + String.format("%08d", ThreadLocalRandom.current().nextInt(100_000_000));
    }

    private static String id(Response r) {
        String url = r.twinning().path("resourceURL").asText();
        return url.substring(url.lastIndexOf('/') + 1);
    }

    /** The device's one twinning as its operator shows it, or null. */
    private static Response only(Operator op, String device) {
        Response list = op.get(device, "/twinnings");
        assertThat(list.status()).isEqualTo(200);
        var items = list.json().path("twinningList").path("twinning");
        if (items.size() == 0) {
            return null;
        }
        String url = items.get(0).path("resourceURL").asText();
        return op.get(device, url.substring(url.indexOf("/twinnings/")));
    }

    /** Undo messages for activations by this phone still queued at an operator. */
    private static int queuedUndos(Operator op, String phone) {
        return op.server().database().dsl().fetchCount(org.jooq.impl.DSL.table("outbox_message"),
                org.jooq.impl.DSL.field("queue", String.class).like("peer:%:undo-%")
                        .and(org.jooq.impl.DSL.field("about", String.class).eq(phone)));
    }

    private static <T> T await(Supplier<T> probe, java.util.function.Predicate<T> done) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        T value = probe.get();
        while (!done.test(value) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            value = probe.get();
        }
        return value;
    }

    private static List<String> eventTypes(Listener l, int atLeast) throws InterruptedException {
        return l.await(atLeast, WAIT).stream().map(r -> r.notification().path("eventType").asText()).toList();
    }

    private static String secondaryWithMno(String mcc, String mnc) {
        return "{\"twinning\":{\"role\":\"Secondary\",\"otherDevice\":{\"mno\":{\"mcc\":\"" + mcc + "\",\"mnc\":\""
                + mnc + "\"}}}}";
    }

    private static String primaryWithCode(String code, String mcc, String mnc) {
        return "{\"twinning\":{\"role\":\"Primary\",\"activationCode\":{\"code\":\"" + code + "\",\"mcc\":\"" + mcc
                + "\",\"mnc\":\"" + mnc + "\"}}}";
    }

    /** Flow 2: the watch asks its own MNO (B) for a code; the phone enters it at A. */
    private static Response twinViaCodeFromB(String phone, String watch) {
        Response code = b.post(watch, "/twinnings", "{\"twinning\":{\"role\":\"Secondary\"}}");
        assertThat(code.status()).isEqualTo(201);
        Response on = a.post(phone, "/twinnings",
                primaryWithCode(code.twinning().path("activationCode").path("code").asText(), "208", "01"));
        assertThat(on.status()).as(on.text()).isEqualTo(201);
        return on;
    }

    @Test
    void flow1TheWatchNamesThePrimarysMnoTheCodeComesFromAAndBothSidesTurnOn() throws Exception {
        String phone = phone();
        String watch = watch();
        try (Listener phoneEvents = Listener.accepting(); Listener watchEvents = Listener.accepting()) {
            a.subscribe(phone, phoneEvents);
            b.subscribe(watch, watchEvents);

            Response pending = b.post(watch, "/twinnings", secondaryWithMno("310", "410"));
            assertThat(pending.status()).as(pending.text()).isEqualTo(201);
            var code = pending.twinning().path("activationCode");
            assertThat(code.path("mcc").asText()).isEqualTo("310");
            assertThat(code.path("mnc").asText()).isEqualTo("410");
            assertThat(pending.twinning().path("twinningStatus").asText()).isEqualTo("Pending");

            // The code was generated by A: A redeems it for its own primary (no MNO named needed).
            Response on = a.post(phone, "/twinnings", primaryWithCode(code.path("code").asText(), "310", "410"));
            assertThat(on.status()).as(on.text()).isEqualTo(201);
            assertThat(on.twinning().path("twinningStatus").asText()).isEqualTo("On");
            assertThat(on.twinning().path("otherDevice").path("address").asText()).isEqualTo(watch);
            assertThat(on.twinning().path("otherDevice").path("mno").path("mcc").asText()).isEqualTo("208");

            // HLF-IC-006: B's resource was updated before A answered.
            Response atB = b.get(watch, "/twinnings/" + id(pending));
            assertThat(atB.twinning().path("twinningStatus").asText()).isEqualTo("On");
            assertThat(atB.twinning().path("otherDevice").path("address").asText()).isEqualTo(phone);
            assertThat(atB.twinning().path("otherDevice").path("mno").path("mcc").asText()).isEqualTo("310");
            assertThat(atB.twinning().path("primaryDeviceVMAddress").asText()).isEqualTo(phone);
            assertThat(atB.twinning().path("name").asText()).isEqualTo(on.twinning().path("name").asText());
            assertThat(atB.twinning().has("activationCode")).isFalse();
            // HLF-SD-009 across MNOs: the authCode minted by A's authorization server, for this pair.
            assertThat(atB.twinning().path("authCode").asText()).isEqualTo(MINTED.get(phone + " " + watch));
            assertThat(on.twinning().has("authCode")).isFalse();
            // The undo prepared before B was changed was withdrawn when A committed.
            assertThat(queuedUndos(a, phone)).isZero();

            assertThat(eventTypes(phoneEvents, 1)).containsExactly("Activated");
            assertThat(eventTypes(watchEvents, 1)).containsExactly("Activated");
        }
    }

    @Test
    void flow2TheCodeFromBIsRedeemedAtBWhichLearnsThePrimaryAndGetsTheName() throws Exception {
        String phone = phone();
        String watch = watch();
        try (Listener phoneEvents = Listener.accepting(); Listener watchEvents = Listener.accepting()) {
            a.subscribe(phone, phoneEvents);
            b.subscribe(watch, watchEvents);
            Response code = b.post(watch, "/twinnings", "{\"twinning\":{\"role\":\"Secondary\"}}");
            assertThat(code.twinning().path("activationCode").path("mcc").asText()).isEqualTo("208");

            Response on = a.post(phone, "/twinnings", "{\"twinning\":{\"role\":\"Primary\",\"name\":\"my watch\","
                    + "\"activationCode\":{\"code\":\"" + code.twinning().path("activationCode").path("code").asText()
                    + "\",\"mcc\":\"208\",\"mnc\":\"01\"}}}");
            assertThat(on.status()).as(on.text()).isEqualTo(201);
            assertThat(on.twinning().path("otherDevice").path("address").asText()).isEqualTo(watch);

            // HLF-IC-004: B knows the primary's number at once; the name follows through the outbox.
            Response atB = await(() -> b.get(watch, "/twinnings/" + id(code)),
                    r -> "my watch".equals(r.twinning().path("name").asText()));
            assertThat(atB.twinning().path("twinningStatus").asText()).isEqualTo("On");
            assertThat(atB.twinning().path("otherDevice").path("address").asText()).isEqualTo(phone);
            assertThat(atB.twinning().path("name").asText()).isEqualTo("my watch");
            assertThat(atB.twinning().path("primaryDeviceVMAddress").asText()).isEqualTo(phone);
            assertThat(atB.twinning().path("authCode").asText()).isEqualTo(MINTED.get(phone + " " + watch));

            assertThat(eventTypes(phoneEvents, 1)).containsExactly("Activated");
            assertThat(eventTypes(watchEvents, 2)).containsExactly("Activated", "Renamed");
        }
    }

    @Test
    void aWrongCodeAtThePartnerIsAClear400AndCountsAgainstThePhone() {
        String phone = phone();
        b.post(watch(), "/twinnings", "{\"twinning\":{\"role\":\"Secondary\"}}");
        Response wrong = a.post(phone, "/twinnings", primaryWithCode("000000", "208", "01"));
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.messageId()).isEqualTo("SVC0002");
        assertThat(a.get(phone, "/twinnings").json().path("twinningList").path("twinning").size()).isZero();
    }

    @Test
    void togglesAndRenamesPropagateBothWaysAndAreNotifiedOnTheOtherSide() throws Exception {
        String phone = phone();
        String watch = watch();
        Response on = twinViaCodeFromB(phone, watch);
        String atA = id(on);
        Response mine = await(() -> only(b, watch), r -> r != null && !r.twinning().path("name").asText().isEmpty());
        String atB = id(mine);
        try (Listener phoneEvents = Listener.accepting(); Listener watchEvents = Listener.accepting()) {
            a.subscribe(phone, phoneEvents);
            b.subscribe(watch, watchEvents);

            // HLF-IC-005/007: the phone turns it Off at A; the watch's resource at B follows.
            assertThat(a.put(phone, "/twinnings/" + atA + "/twinningStatus", "{\"twinningStatus\":\"Off\"}").status())
                    .isEqualTo(200);
            Response offAtB = await(() -> b.get(watch, "/twinnings/" + atB),
                    r -> "Off".equals(r.twinning().path("twinningStatus").asText()));
            assertThat(offAtB.twinning().path("twinningStatus").asText()).isEqualTo("Off");
            assertThat(eventTypes(watchEvents, 1)).containsExactly("StatusChanged");

            // ... and the other way: the watch turns it On at B.
            assertThat(b.put(watch, "/twinnings/" + atB + "/twinningStatus", "{\"twinningStatus\":\"On\"}").status())
                    .isEqualTo(200);
            Response onAtA = await(() -> a.get(phone, "/twinnings/" + atA),
                    r -> "On".equals(r.twinning().path("twinningStatus").asText()));
            assertThat(onAtA.twinning().path("twinningStatus").asText()).isEqualTo("On");
            assertThat(eventTypes(phoneEvents, 1)).containsExactly("StatusChanged");

            // A rename by the primary reaches the secondary's resource.
            assertThat(a.put(phone, "/twinnings/" + atA + "/name", "{\"name\":\"car\"}").status()).isEqualTo(200);
            Response renamed = await(() -> b.get(watch, "/twinnings/" + atB),
                    r -> "car".equals(r.twinning().path("name").asText()));
            assertThat(renamed.twinning().path("name").asText()).isEqualTo("car");

            // Nothing echoes back: each side saw exactly the other's changes.
            Thread.sleep(500);
            assertThat(eventTypes(phoneEvents, 1)).containsExactly("StatusChanged");
            assertThat(eventTypes(watchEvents, 3)).containsExactly("StatusChanged", "Renamed");
        }
    }

    @Test
    void aDeactivationByEitherSideEndsTheRelationshipOnBoth() throws Exception {
        String phone = phone();
        String watch = watch();
        Response on = twinViaCodeFromB(phone, watch);
        Response atB = await(() -> only(b, watch), r -> r != null);
        try (Listener phoneEvents = Listener.accepting()) {
            a.subscribe(phone, phoneEvents);
            assertThat(b.delete(watch, "/twinnings/" + id(atB)).status()).isEqualTo(204);
            Response gone = await(() -> a.get(phone, "/twinnings/" + id(on)), r -> r.status() == 404);
            assertThat(gone.status()).isEqualTo(404);
            assertThat(eventTypes(phoneEvents, 1)).containsExactly("Deactivated");
        }
        // The watch is free again: a new relationship can start.
        assertThat(b.post(watch, "/twinnings", "{\"twinning\":{\"role\":\"Secondary\"}}").status()).isEqualTo(201);
    }

    @Test
    void aPendingRequestGivenUpAtBIsEndedAtA() throws Exception {
        String watch = watch();
        Response pending = b.post(watch, "/twinnings", secondaryWithMno("310", "410"));
        assertThat(pending.status()).isEqualTo(201);
        java.util.function.Supplier<String> statusAtA = () -> a.server().database().dsl()
                .fetchValue("select status from twinning where secondary_address = ? order by created_at desc limit 1",
                        watch).toString();
        assertThat(statusAtA.get()).isEqualTo("PENDING");
        assertThat(b.delete(watch, "/twinnings/" + id(pending)).status()).isEqualTo(204);
        assertThat(await(statusAtA, "DEACTIVATED"::equals)).isEqualTo("DEACTIVATED");
        // The code A issued for it is dead: a phone entering it gets the usual 400.
        Response late = a.post(phone(), "/twinnings",
                primaryWithCode(pending.twinning().path("activationCode").path("code").asText(), "310", "410"));
        assertThat(late.status()).isEqualTo(400);
    }

    @Test
    void aToggleWhileThePartnerIsDownSucceedsLocallyAndReachesItAfterItsRestart() throws Exception {
        String phone = phone();
        String watch = watch();
        Response on = twinViaCodeFromB(phone, watch);
        String atB = id(await(() -> only(b, watch), r -> r != null && !r.twinning().path("name").asText().isEmpty()));
        b.stop();
        try {
            Response off = a.put(phone, "/twinnings/" + id(on) + "/twinningStatus", "{\"twinningStatus\":\"Off\"}");
            assertThat(off.status()).isEqualTo(200);
            assertThat(a.get(phone, "/twinnings/" + id(on)).twinning().path("twinningStatus").asText()).isEqualTo("Off");
            Thread.sleep(1_500); // a few failed attempts while B is down
        } finally {
            b.start();
        }
        Response atBAfter = await(() -> b.get(watch, "/twinnings/" + atB),
                r -> "Off".equals(r.twinning().path("twinningStatus").asText()));
        assertThat(atBAfter.twinning().path("twinningStatus").asText()).isEqualTo("Off");
    }

    @Test
    void anActivationWhileThePartnerIsDownIsA503AndLeavesNothingThatBlocksARetry() {
        String phone = phone();
        String watch = watch();
        Response code = b.post(watch, "/twinnings", "{\"twinning\":{\"role\":\"Secondary\"}}");
        String plain = code.twinning().path("activationCode").path("code").asText();
        b.stop();
        try {
            Response down = a.post(phone, "/twinnings", primaryWithCode(plain, "208", "01"));
            assertThat(down.status()).isEqualTo(503);
            assertThat(down.messageId()).isEqualTo("SVC0001");
            assertThat(down.text()).doesNotContain("UNAVAILABLE").doesNotContain("StatusRuntimeException");
            assertThat(a.get(phone, "/twinnings").json().path("twinningList").path("twinning").size()).isZero();
            // In case B applied it after all, an undo waits at A (due after the call timeout and a margin).
            assertThat(queuedUndos(a, phone)).isPositive();
        } finally {
            b.start();
        }
        // The same code works once B is back, and the retry withdraws the undo of the first attempt.
        Response retry = a.post(phone, "/twinnings", primaryWithCode(plain, "208", "01"));
        assertThat(retry.status()).as(retry.text()).isEqualTo(201);
        assertThat(queuedUndos(a, phone)).isZero();
        assertThat(b.get(watch, "/twinnings/" + id(code)).twinning().path("twinningStatus").asText()).isEqualTo("On");
    }

    @Test
    void aCodeRequestWhileThePrimarysMnoIsDownIsA503AndCreatesNothing() {
        String watch = watch();
        a.stop();
        try {
            Response down = b.post(watch, "/twinnings", secondaryWithMno("310", "410"));
            assertThat(down.status()).isEqualTo(503);
            assertThat(down.messageId()).isEqualTo("SVC0001");
            assertThat(b.get(watch, "/twinnings").json().path("twinningList").path("twinning").size()).isZero();
        } finally {
            a.start();
        }
        assertThat(b.post(watch, "/twinnings", secondaryWithMno("310", "410")).status()).isEqualTo(201);
    }

    /** A watch of B outside the ranges A accepts from B (tel:+3361...). */
    private static String watchOutsideBsRanges() {
        return "tel:+3399" + String.format("%08d", ThreadLocalRandom.current().nextInt(100_000_000));
    }

    @Test
    void flow1APartnersRefusalIsA403PolicyErrorNotA503() {
        String watch = watchOutsideBsRanges();
        Response r = b.post(watch, "/twinnings", secondaryWithMno("310", "410"));
        assertThat(r.status()).as(r.text()).isEqualTo(403);
        assertThat(r.messageId()).isEqualTo("POL0001");
        assertThat(r.text()).contains("refused").doesNotContain("retry later");
        assertThat(only(b, watch)).isNull();
    }

    @Test
    void flow2ACodeOfADeviceOutsideThePartnersRangesIsA403AndThePartnerUndoesAtOnce() throws Exception {
        String phone = phone();
        String watch = watchOutsideBsRanges();
        Response code = b.post(watch, "/twinnings", "{\"twinning\":{\"role\":\"Secondary\"}}");
        assertThat(code.status()).isEqualTo(201);

        Response refused = a.post(phone, "/twinnings",
                primaryWithCode(code.twinning().path("activationCode").path("code").asText(), "208", "01"));

        assertThat(refused.status()).as(refused.text()).isEqualTo(403);
        assertThat(refused.messageId()).isEqualTo("POL0001");
        assertThat(a.get(phone, "/twinnings").json().path("twinningList").path("twinning").size()).isZero();
        // B had committed its side; it is ended without waiting for the queued undo (timeout + 30 s)
        long started = System.nanoTime();
        Response atB = await(() -> only(b, watch), t -> t == null);
        assertThat(atB).as("the watch at B is no longer twinned").isNull();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void anMnoThatIsNotAPartnerIsRefusedWithAClearError() {
        Response r = b.post(watch(), "/twinnings", secondaryWithMno("999", "99"));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.messageId()).isEqualTo("SVC0002");
        assertThat(r.text()).contains("not a partner");
    }

    // --- the peering listener's own defences, called directly ---

    private static ManagedChannel channelAs(PeerCertificates pki, String name, Operator target, String targetName)
            throws Exception {
        return NettyChannelBuilder.forTarget(target.peerEndpoint())
                .sslContext(GrpcSslContexts.forClient()
                        .keyManager(pki.certificate(name).toFile(), pki.key(name).toFile())
                        .trustManager(certs.ca(targetName).toFile())
                        .protocols("TLSv1.3")
                        .build())
                .overrideAuthority(targetName)
                .build();
    }

    /** The status code of a call that must be refused. */
    private static Status.Code refusal(Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
        throw new AssertionError("the call was not refused");
    }

    /** A partner's report that the primary turned the relationship Off (far in the future). */
    private static PropagateStatusRequest primaryTurnsOff(String requestId, String secondary, String primary) {
        return PropagateStatusRequest.newBuilder()
                .setRequestId(requestId).setSecondaryAddress(secondary).setPrimaryAddress(primary)
                .setTwinningStatus("Off").setActorRole("Primary")
                .setChangedTime(com.google.protobuf.Timestamp.newBuilder().setSeconds(4_000_000_000L))
                .build();
    }

    private static void requestCodeAs(ManagedChannel channel, String secondary) {
        MnoPeeringServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                .requestActivationCode(RequestActivationCodeRequest.newBuilder()
                        .setRequestId("t-" + System.nanoTime()).setSecondaryAddress(secondary).build());
    }

    @Test
    void aCertificateFromAnUnknownCaIsRefusedInTheHandshake() throws Exception {
        ManagedChannel stranger = channelAs(certs, "peer.stranger.test", b, B_NAME);
        try {
            assertThat(refusal(() -> requestCodeAs(stranger, "tel:+15550000001")))
                    .isEqualTo(Status.Code.UNAVAILABLE);
        } finally {
            stranger.shutdownNow();
        }
    }

    @Test
    void anExpiredCertificateOfAPartnerIsRefused() throws Exception {
        PeerCertificates expired = certs.expired(A_NAME);
        ManagedChannel old = NettyChannelBuilder.forTarget(b.peerEndpoint())
                .sslContext(GrpcSslContexts.forClient()
                        .keyManager(expired.certificate(A_NAME).toFile(), expired.key(A_NAME).toFile())
                        .trustManager(certs.ca(B_NAME).toFile())
                        .protocols("TLSv1.3")
                        .build())
                .overrideAuthority(B_NAME)
                .build();
        String watch = watch();
        try {
            assertThatThrownBy(() -> requestCodeAs(old, watch)).isInstanceOf(StatusRuntimeException.class);
        } finally {
            old.shutdownNow();
        }
        assertThat(b.get(watch, "/twinnings").json().path("twinningList").path("twinning").size()).isZero();
    }

    @Test
    void aPartnerCannotProbeCodesByNamingEverNewPrimaries() throws Exception {
        ManagedChannel c = channelAs(certs, C_NAME, b, B_NAME);
        try {
            var stub = MnoPeeringServiceGrpc.newBlockingStub(c).withDeadlineAfter(30, TimeUnit.SECONDS);
            Status.Code last = Status.Code.OK;
            int calls = 0;
            // Each primary stays under its own limit; the partner as a whole reaches its limit.
            for (; calls < 400 && last != Status.Code.RESOURCE_EXHAUSTED; calls++) {
                try {
                    stub.redeemActivationCode(RedeemActivationCodeRequest.newBuilder().setRequestId("probe-" + calls)
                            .setCode(String.format("%06d", calls)).setPrimaryAddress("tel:+4917" + (10_000_000 + calls))
                            .build());
                    last = Status.Code.OK;
                } catch (StatusRuntimeException e) {
                    last = e.getStatus().getCode();
                }
            }
            assertThat(last).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(calls).isGreaterThan(5).isLessThanOrEqualTo(251);
        } finally {
            c.shutdownNow();
        }
    }

    @Test
    void aPartnerCannotHoldMoreUnexpiredCodesThanItsQuota() throws Exception {
        ManagedChannel c = channelAs(certs, C_NAME, b, B_NAME);
        try {
            List<String> watches = List.of("tel:+4916000000001", "tel:+4916000000002", "tel:+4916000000003");
            for (String w : watches) {
                requestCodeAs(c, w);
            }
            // B allows C three unexpired codes: a fourth secondary is refused ...
            assertThat(refusal(() -> requestCodeAs(c, "tel:+4916000000004")))
                    .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            // ... while asking again for one of the three replaces its code, as for any secondary.
            requestCodeAs(c, watches.get(0));
        } finally {
            c.shutdownNow();
        }
    }

    @Test
    void undoingAnActivationEndsOnlyTheRelationshipThatActivationMade() throws Exception {
        // A speaks for itself here (its own certificate), as it does when its commit failed after B's.
        ManagedChannel asA = channelAs(certs, A_NAME, b, B_NAME);
        try {
            var stub = MnoPeeringServiceGrpc.newBlockingStub(asA).withDeadlineAfter(5, TimeUnit.SECONDS);
            String phone = phone();
            String watch = watch();
            Response code = b.post(watch, "/twinnings", "{\"twinning\":{\"role\":\"Secondary\"}}");
            var redeem = RedeemActivationCodeRequest.newBuilder().setRequestId("act-1")
                    .setCode(code.twinning().path("activationCode").path("code").asText())
                    .setPrimaryAddress(phone).build();
            assertThat(stub.redeemActivationCode(redeem).getSecondaryAddress()).isEqualTo(watch);
            // A retry of the same request answers the same (the code is spent, the request is known).
            assertThat(stub.redeemActivationCode(redeem).getSecondaryAddress()).isEqualTo(watch);
            assertThat(b.get(watch, "/twinnings/" + id(code)).twinning().path("twinningStatus").asText())
                    .isEqualTo("On");

            // An undo naming another activation changes nothing ...
            stub.propagateDeactivation(PropagateDeactivationRequest.newBuilder().setRequestId("u-1")
                    .setPrimaryAddress(phone).setActorRole("Primary").setActivationRequestId("act-0").build());
            assertThat(b.get(watch, "/twinnings/" + id(code)).status()).isEqualTo(200);
            // ... the undo of this one ends it, and repeating it is harmless.
            for (int i = 0; i < 2; i++) {
                stub.propagateDeactivation(PropagateDeactivationRequest.newBuilder().setRequestId("u-2")
                        .setPrimaryAddress(phone).setActorRole("Primary").setActivationRequestId("act-1").build());
            }
            assertThat(b.get(watch, "/twinnings/" + id(code)).status()).isEqualTo(404);
        } finally {
            asA.shutdownNow();
        }
    }

    @Test
    void aPartnerCannotActOnARelationshipBetweenAnotherPartnersSubscriberAndOurs() throws Exception {
        String phone = phone();
        String watch = watch();
        twinViaCodeFromB(phone, watch);
        Response atB = await(() -> only(b, watch), r -> r != null);
        ManagedChannel c = channelAs(certs, C_NAME, b, B_NAME);
        try {
            var stub = MnoPeeringServiceGrpc.newBlockingStub(c).withDeadlineAfter(5, TimeUnit.SECONDS);
            // C is a partner of B, but the phone is A's subscriber, not C's.
            assertThat(refusal(() -> stub.propagateStatus(primaryTurnsOff("c-1", watch, phone))))
                    .isEqualTo(Status.Code.PERMISSION_DENIED);
            // Nor can it claim B's own watch as its subscriber.
            assertThat(refusal(() -> requestCodeAs(c, watch)))
                    .isEqualTo(Status.Code.PERMISSION_DENIED);
            // With an address in its own range, but about a relationship it has no part in: unknown to it.
            String cPhone = "tel:+4915100000" + ThreadLocalRandom.current().nextInt(10, 99);
            assertThat(refusal(() -> stub.propagateStatus(primaryTurnsOff("c-2", watch, cPhone))))
                    .isEqualTo(Status.Code.NOT_FOUND);
        } finally {
            c.shutdownNow();
        }
        assertThat(b.get(watch, "/twinnings/" + id(atB)).twinning().path("twinningStatus").asText()).isEqualTo("On");
    }
}
