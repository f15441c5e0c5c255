package org.omatwin.core.dm.account;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.omatwin.core.dm.audit.Transaction;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.device.DeviceProfile;
import org.omatwin.core.dm.device.Line;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.storage.Transactions;
import org.omatwin.core.subscriber.Subscriber;
import org.omatwin.core.subscriber.Subscriber.SubscriberLine;

/**
 * Subscriber data from the operator's BSS (section 3, ES9, ES12): {@code PUT/GET/DELETE
 * /dmwsi/v1/subscribers/{subscriberId}}. A PUT replaces everything about the subscriber (idempotent);
 * lines, SIMs and devices listed move here from whoever had them; provisioned devices are bound to their
 * line ({@code Confirmed}: the operator's word is a proof, and the latest proof wins), and a device no
 * longer provisioned loses the binding provisioning gave it. Everything is checked before anything is
 * written, so bad input changes nothing. The self-care portal's lines are these lines.
 */
public final class ProvisioningUseCases {
    /** What the BSS sends for one line; checked by {@link #replace}. */
    public record LineInput(String msisdn, String iccid, List<String> devices) {}

    /** A replace's result: the subscriber as now stored, and whether it was new. */
    public record Replaced(Subscriber subscriber, boolean created) {}

    private static final Pattern SUBSCRIBER_ID = Pattern.compile("[A-Za-z0-9._~@+-]{1,200}");
    /** ITU-T E.118: "89", then up to 20 more digits, the last a Luhn check digit. */
    private static final Pattern ICCID = Pattern.compile("89[0-9]{16,20}");
    private static final int MAX_LINES = 100;
    private static final int MAX_DEVICES_PER_LINE = 100;

    private final Transactions<? extends AccountStore> tx;
    private final Clock clock;

    public ProvisioningUseCases(Transactions<? extends AccountStore> tx, Clock clock) {
        this.tx = tx;
        this.clock = clock;
    }

    /** @param clientId the BSS client asking (the transaction log's requester) */
    public Replaced replace(String clientId, String subscriberId, List<LineInput> input) {
        checkId(subscriberId);
        List<SubscriberLine> lines = checked(input);
        return tx.inTransaction(store -> {
            Instant now = clock.instant();
            store.subscribers().lockForProvisioning();
            Optional<Subscriber> before = store.subscribers().find(subscriberId);
            Subscriber after = new Subscriber(subscriberId, lines, now);
            Map<DevId, Line> provisioned = devices(after);
            // a device this subscriber no longer lists loses the binding provisioning gave it
            before.ifPresent(b -> devices(b).forEach((devId, line) -> {
                if (!provisioned.containsKey(devId)) {
                    unbind(store, clientId, subscriberId, devId, line, now);
                }
            }));
            store.subscribers().replace(after);
            // the transaction log (6.1): the change, and each device it binds; counts, never the lines
            store.recordTransaction(Transaction.provisioning(clientId, subscriberId, null, "subscriber "
                    + (before.isEmpty() ? "created" : "replaced") + ": " + lines.size() + " lines, "
                    + lines.stream().filter(l -> l.iccid() != null).count() + " SIMs, " + provisioned.size()
                    + " devices", now));
            provisioned.forEach((devId, line) -> {
                store.lockDevice(devId, now);
                DeviceProfile p = store.findDevice(devId).orElse(DeviceProfile.unknown(devId));
                if (!line.equals(p.line())) {
                    store.recordTransaction(Transaction.provisioning(clientId, subscriberId, devId,
                            "device bound to the subscriber's line", now));
                }
                store.saveDevice(p.boundTo(line));
            });
            return new Replaced(store.subscribers().find(subscriberId).orElseThrow(), before.isEmpty());
        });
    }

    /** Development seeding: provisions the subscriber unless it already is; true when it was provisioned now. */
    public boolean provisionIfAbsent(String subscriberId, List<LineInput> lines) {
        checkId(subscriberId);
        List<SubscriberLine> checkedLines = checked(lines);
        return tx.inTransaction(store -> {
            store.subscribers().lockForProvisioning();
            if (store.subscribers().find(subscriberId).isPresent()) {
                return false;
            }
            store.subscribers().replace(new Subscriber(subscriberId, checkedLines, clock.instant()));
            return true;
        });
    }

    public Subscriber get(String subscriberId) {
        checkId(subscriberId);
        return tx.inTransaction(store -> store.subscribers().find(subscriberId)).orElseThrow(() -> unknown(subscriberId));
    }

    /** Removes the subscriber, its lines and SIMs; its devices lose the binding provisioning gave them. */
    public void delete(String clientId, String subscriberId) {
        checkId(subscriberId);
        tx.inTransaction(store -> {
            Instant now = clock.instant();
            store.subscribers().lockForProvisioning();
            Subscriber before = store.subscribers().find(subscriberId).orElseThrow(() -> unknown(subscriberId));
            devices(before).forEach((devId, line) -> unbind(store, clientId, subscriberId, devId, line, now));
            store.subscribers().delete(subscriberId);
            store.recordTransaction(Transaction.provisioning(clientId, subscriberId, null, "subscriber deleted", now));
            return null;
        });
    }

    /** Only the binding provisioning made: a device since proven elsewhere keeps that proof. */
    private static void unbind(AccountStore store, String clientId, String subscriberId, DevId devId, Line line,
            Instant now) {
        store.lockDevice(devId, now);
        store.findDevice(devId).filter(p -> line.equals(p.line())).ifPresent(p -> {
            store.recordTransaction(Transaction.provisioning(clientId, subscriberId, devId,
                    "device's binding from provisioning removed", now));
            store.saveDevice(p.unbound());
        });
    }

    private static Map<DevId, Line> devices(Subscriber s) {
        Map<DevId, Line> out = new HashMap<>();
        s.lines().forEach(l -> l.devices().forEach(d -> out.put(DevId.of(d), new Line(l.msisdn()))));
        return out;
    }

    private static List<SubscriberLine> checked(List<LineInput> input) {
        if (input.size() > MAX_LINES) {
            throw ApiException.of(ApiError.INVALID_INPUT, "at most " + MAX_LINES + " lines", "subscriber.lines");
        }
        Set<String> msisdns = new HashSet<>();
        Set<String> iccids = new HashSet<>();
        Set<String> devIds = new HashSet<>();
        List<SubscriberLine> out = new ArrayList<>();
        for (int i = 0; i < input.size(); i++) {
            LineInput in = input.get(i);
            String p = "subscriber.lines[" + i + "].";
            if (in.msisdn() == null || in.msisdn().isEmpty()) {
                throw ApiException.of(ApiError.MISSING_ELEMENT, p + "msisdn is missing", p + "msisdn");
            }
            Line line = Line.parse(in.msisdn()).orElseThrow(() -> ApiException.of(ApiError.INVALID_INPUT,
                    p + "msisdn must be a tel:+ line in E.164 (tel:+ and 6-15 digits)", p + "msisdn"));
            if (!msisdns.add(line.value())) {
                throw ApiException.of(ApiError.INVALID_INPUT, p + "msisdn is listed twice", p + "msisdn");
            }
            String iccid = in.iccid() == null || in.iccid().isEmpty() ? null : in.iccid();
            if (iccid != null && !(ICCID.matcher(iccid).matches() && luhn(iccid))) {
                throw ApiException.of(ApiError.INVALID_INPUT, p + "iccid must be an ICCID (ITU-T E.118: 89, 16-20 "
                        + "more digits, the last a Luhn check digit)", p + "iccid");
            }
            if (iccid != null && !iccids.add(iccid)) {
                throw ApiException.of(ApiError.INVALID_INPUT, p + "iccid is listed twice", p + "iccid");
            }
            if (in.devices().size() > MAX_DEVICES_PER_LINE) {
                throw ApiException.of(ApiError.INVALID_INPUT, "at most " + MAX_DEVICES_PER_LINE + " devices per line",
                        p + "devices");
            }
            List<String> devices = new ArrayList<>();
            for (String d : in.devices()) {
                DevId devId;
                try {
                    devId = DevId.of(d);
                } catch (ApiException e) {
                    throw ApiException.of(ApiError.INVALID_INPUT, p + "devices: '" + d + "' is not a devId (urn:imei:, "
                            + "urn:uuid: or urn:dev:)", p + "devices");
                }
                if (!devIds.add(devId.value())) {
                    throw ApiException.of(ApiError.INVALID_INPUT, p + "devices: " + devId + " is listed twice "
                            + "(a device is on at most one line)", p + "devices");
                }
                devices.add(devId.value());
            }
            out.add(new SubscriberLine(line.value(), iccid, devices));
        }
        return out;
    }

    static boolean luhn(String digits) {
        int sum = 0;
        for (int i = 0; i < digits.length(); i++) {
            int d = digits.charAt(digits.length() - 1 - i) - '0';
            if (i % 2 == 1) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
        }
        return sum % 10 == 0;
    }

    private static void checkId(String subscriberId) {
        if (subscriberId == null || !SUBSCRIBER_ID.matcher(subscriberId).matches()) {
            throw ApiException.of(ApiError.INVALID_INPUT, "subscriberId is 1-200 characters of A-Z a-z 0-9 . _ ~ @ + -",
                    "subscriberId");
        }
    }

    private static ApiException unknown(String subscriberId) {
        return ApiException.of(ApiError.NOT_FOUND, "no subscriber " + subscriberId, "subscriberId");
    }
}
