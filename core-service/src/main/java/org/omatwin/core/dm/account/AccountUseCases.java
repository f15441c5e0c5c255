package org.omatwin.core.dm.account;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.omatwin.core.dm.common.DmIds;
import org.omatwin.core.dm.device.Binding;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.device.DeviceProfile;
import org.omatwin.core.dm.device.Line;
import org.omatwin.core.dm.operation.CommandSpec;
import org.omatwin.core.dm.operation.Operation;
import org.omatwin.core.dm.operation.OperationArguments;
import org.omatwin.core.dm.operation.OperationRequest;
import org.omatwin.core.dm.operation.OperationState;
import org.omatwin.core.dm.operation.OperationType;
import org.omatwin.core.dm.operation.Operations;
import org.omatwin.core.dm.operation.Plan;
import org.omatwin.core.dm.operation.Requester;
import org.omatwin.core.dm.operation.SessionMode;
import org.omatwin.core.dm.operation.UiMode;
import org.omatwin.core.dm.session.DeviceQueue;
import org.omatwin.core.dm.session.PendingSessionListener;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.storage.Transactions;

/**
 * The DM account (section 3, seed 004 x.1.2 {@code /devices}): the devices bound to the account's
 * lines and the ones it registered. A device is bound to a line only with proof (its token's msisdn
 * claim, the one-time code it shows, or provisioning); the latest proof wins. Anything of another
 * account is reported exactly like something that does not exist (404 SVC2008), and registering a
 * device bound elsewhere answers exactly as for an unknown device. Each public method is one
 * transaction, taking the device's lock first.
 */
public final class AccountUseCases {
    /** Six digits, ten minutes, attempts limited (section 3). */
    public static final Duration CODE_TTL = Duration.ofMinutes(10);
    public static final int MAX_CODE_FAILURES = 5;
    private static final int MAX_NAME = 64;

    /** The outcome of entering a code, decided in the transaction and refused after its commit. */
    private sealed interface CodeOutcome {
        record Proven(AccountDevice device) implements CodeOutcome {}

        record Wrong() implements CodeOutcome {}
    }

    private final DeviceQueue queue;
    private final BindingCodes codes;
    private final Clock clock;

    public AccountUseCases(Transactions<? extends AccountStore> tx, PendingSessionListener wakeups,
            BindingCodes codes, Clock clock) {
        // the queue runs its transactions on these AccountStores, so each Tx's store is one (see store())
        this.queue = new DeviceQueue(tx, wakeups);
        this.codes = codes;
        this.clock = clock;
    }

    public List<AccountDevice> list(String subscriber) {
        return queue.inTransaction(q -> {
            AccountStore store = store(q);
            List<Line> lines = linesOf(store, subscriber);
            Map<DevId, Registration> registered = store.registrationsOf(subscriber).stream()
                    .collect(Collectors.toMap(Registration::devId, Function.identity()));
            List<AccountDevice> out = new ArrayList<>();
            for (DeviceProfile p : store.devicesOn(lines)) {
                Registration r = registered.remove(p.devId());
                out.add(confirmed(store, p, r));
            }
            registered.values().forEach(r -> out.add(unconfirmed(r)));
            out.sort(Comparator.comparing(d -> d.devId().value()));
            return out;
        });
    }

    /** The account's lines: where it may register devices. */
    public List<Line> lines(String subscriber) {
        return queue.inTransaction(q -> linesOf(store(q), subscriber));
    }

    public AccountDevice get(String subscriber, DevId devId) {
        return queue.inTransaction(q -> view(store(q), subscriber, devId));
    }

    /**
     * Registers the device on one of the account's lines. Already proven there: named, Confirmed.
     * Otherwise (unknown, Unconfirmed, or bound anywhere else, which is never revealed) a new one-time
     * code replaces any earlier one and a SHOW carries it to the device in its next session.
     */
    public AccountDevice register(String subscriber, DevId devId, String lineText, String name) {
        String checkedName = name(name);
        Line line = Line.parse(required(lineText, "device.line")).orElseThrow(() -> ApiException.of(
                ApiError.INVALID_INPUT, "device.line must be a tel:+ line in E.164", "device.line"));
        return queue.inTransaction(q -> {
            Instant now = clock.instant();
            AccountStore store = store(q);
            if (!linesOf(store, subscriber).contains(line)) {
                throw ApiException.of(ApiError.UNKNOWN_ADDRESS, "no line " + line + " for this account", "device.line");
            }
            q.lock(devId, now);
            DeviceProfile profile = store.findDevice(devId).orElse(DeviceProfile.unknown(devId));
            Optional<Registration> earlier = store.findRegistration(subscriber, devId);
            if (line.equals(profile.line())) {
                Registration r = earlier.map(e -> e.proven(line).withName(checkedName))
                        .orElse(Registration.named(subscriber, devId, line, checkedName, now));
                store.saveRegistration(r);
                return confirmed(store, profile, r);
            }
            earlier.ifPresent(e -> cancelCode(q, e, now));
            // the SHOW's page shows the code (derived when fetched); the registration keeps its hash only
            String operationId = DmIds.operation();
            String itemId = DmIds.valueItem();
            OperationRequest request = new OperationRequest(OperationType.COMMANDS,
                    OperationArguments.commands(List.of(new CommandSpec("SHOW", null, null, null))), devId,
                    new SessionMode(UiMode.INFORMATIVE, false), null, null, null, (int) CODE_TTL.toSeconds());
            Plan plan = new Plan.Builder(operationId, devId, now).show(itemId).build();
            store.insertOperation(Operation.queued(operationId, store.nextOperationSeq(), Requester.account(subscriber),
                    request, now));
            plan.dataItems().forEach(store::insertDataItem);
            store.insertCommands(plan.commands());
            q.reconcile(devId, now);
            Registration r = earlier.orElse(Registration.named(subscriber, devId, line, checkedName, now))
                    .withCode(line, checkedName, codes.hash(subscriber, devId.value(), codes.code(itemId)),
                            now.plus(CODE_TTL), operationId);
            store.saveRegistration(r);
            return unconfirmed(r);
        });
    }

    /**
     * What the account may change: the name, and the one-time code the device showed. A right code binds
     * the device to the registration's line (the latest proof wins); a wrong, expired or exhausted one is
     * 400 SVC0002 with nothing else changed (the wrong attempt is counted).
     */
    public AccountDevice update(String subscriber, DevId devId, String name, String code) {
        if (name == null && code == null) {
            throw ApiException.of(ApiError.MISSING_ELEMENT, "give device.name or device.code", "device.name");
        }
        String checkedName = name == null ? null : name(name);
        if (code != null && !code.matches("[0-9]{6}")) {
            throw ApiException.of(ApiError.INVALID_INPUT, "device.code is the six digits the device shows",
                    "device.code");
        }
        CodeOutcome outcome = queue.inTransaction(q -> {
            Instant now = clock.instant();
            AccountStore store = store(q);
            view(store, subscriber, devId); // 404 unless the account sees it
            q.lock(devId, now);
            DeviceProfile profile = store.findDevice(devId).orElse(DeviceProfile.unknown(devId));
            Registration stored = store.findRegistration(subscriber, devId).orElseGet(() ->
                    Registration.named(subscriber, devId, profile.line(), null, now));
            Registration r = checkedName == null ? stored : stored.withName(checkedName);
            if (code != null) {
                if (!r.codeUsable(now, MAX_CODE_FAILURES)
                        || !codes.matches(r.codeHash(), subscriber, devId.value(), code)) {
                    // only the attempt counts: nothing else of a refused request is kept
                    if (stored.codeHash() != null) {
                        store.saveRegistration(stored.withFailure());
                    }
                    return new CodeOutcome.Wrong();
                }
                cancelCode(q, r, now);
                r = r.proven(r.line());
                store.saveDevice(profile.boundTo(r.line()));
            }
            store.saveRegistration(r);
            return new CodeOutcome.Proven(view(store, subscriber, devId));
        });
        return switch (outcome) {
            case CodeOutcome.Proven p -> p.device();
            case CodeOutcome.Wrong w -> throw ApiException.of(ApiError.INVALID_INPUT, "the code is wrong, expired or "
                    + "used up (" + MAX_CODE_FAILURES + " attempts); register the device again for a new one",
                    "device.code");
        };
    }

    /**
     * Unregisters: the binding to the account's line ends, the device's pending session and undelivered
     * operations are cancelled; what happened stays in the history (operations and sessions are kept).
     */
    public void unregister(String subscriber, DevId devId) {
        queue.inTransaction(q -> {
            Instant now = clock.instant();
            AccountStore store = store(q);
            AccountDevice seen = view(store, subscriber, devId);
            q.lock(devId, now);
            if (seen.binding() == Binding.CONFIRMED) {
                store.findDevice(devId).ifPresent(p -> store.saveDevice(p.unbound()));
                for (Operation o : store.queuedOperations(devId)) {
                    Operations.save(store, o.cancelled(now));
                }
            } else {
                store.findRegistration(subscriber, devId).ifPresent(r -> cancelCode(q, r, now));
            }
            store.deleteRegistration(subscriber, devId);
            q.reconcile(devId, now);
            return null;
        });
    }

    /** The device as the account sees it, or 404 as for an unknown device. */
    private AccountDevice view(AccountStore store, String subscriber, DevId devId) {
        Optional<DeviceProfile> profile = store.findDevice(devId);
        Optional<Registration> r = store.findRegistration(subscriber, devId);
        if (profile.isPresent() && profile.get().line() != null
                && linesOf(store, subscriber).contains(profile.get().line())) {
            return confirmed(store, profile.get(), r.orElse(null));
        }
        return r.map(AccountUseCases::unconfirmed).orElseThrow(() -> ApiException.of(ApiError.NOT_FOUND,
                "no device " + devId + " in this account", "devId"));
    }

    private static AccountDevice confirmed(AccountStore store, DeviceProfile p, Registration r) {
        return new AccountDevice(p.devId(), r == null ? null : r.name(), p.line(), Binding.CONFIRMED, p,
                store.pendingSession(p.devId()).isPresent() ? 1 : 0);
    }

    private static AccountDevice unconfirmed(Registration r) {
        return new AccountDevice(r.devId(), r.name(), r.line(), Binding.UNCONFIRMED, null, 0);
    }

    /** A replaced or used code's SHOW is withdrawn while it has not reached the device. */
    private static void cancelCode(DeviceQueue.Tx q, Registration r, Instant now) {
        if (r.codeOperation() == null) {
            return;
        }
        q.store().findOperation(r.codeOperation()).filter(o -> o.state() == OperationState.QUEUED)
                .ifPresent(o -> Operations.save(q.store(), o.cancelled(now)));
        q.reconcile(r.devId(), now);
    }

    private static List<Line> linesOf(AccountStore store, String subscriber) {
        return store.subscribers().linesOf(subscriber).stream().map(Line::parse).flatMap(Optional::stream).toList();
    }

    private static AccountStore store(DeviceQueue.Tx q) {
        return (AccountStore) q.store();
    }

    private static String name(String name) {
        if (name == null) {
            return null;
        }
        String n = name.strip();
        if (n.isEmpty() || n.length() > MAX_NAME || n.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.of(ApiError.INVALID_INPUT, "device.name is 1-" + MAX_NAME + " characters",
                    "device.name");
        }
        return n;
    }

    private static <T> T required(T value, String element) {
        if (value == null) {
            throw ApiException.of(ApiError.MISSING_ELEMENT, element + " is missing", element);
        }
        return value;
    }
}
