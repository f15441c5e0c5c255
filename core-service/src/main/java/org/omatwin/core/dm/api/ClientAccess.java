package org.omatwin.core.dm.api;

import io.grpc.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.omatwin.core.dm.DmStore;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.device.Line;
import org.omatwin.core.dm.job.TargetResolver;
import org.omatwin.core.dm.policy.ClientPolicy;
import org.omatwin.core.dm.policy.Permission;
import org.omatwin.core.dm.policy.PseudonymStore;
import org.omatwin.core.dm.policy.Pseudonyms;
import org.omatwin.core.dm.policy.Pseudonyms.Kind;
import org.omatwin.core.dm.policy.Pseudonyms.Pseudonym;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.storage.Transactions;

/**
 * One external system's access, for one call or one notification (dm-api.md section 6): the one place
 * where its policy meets device references and what is shown to it. A {@code deviceRef} resolves only
 * to a device within its reach (outside: 404, as if unknown); a pseudonymous client names devices by
 * the pseudonyms it was given and sees only pseudonyms ({@link #show}); node rules decide what it may
 * read. Pseudonyms shown are kept ({@link #flush}) before the answer leaves, so they work as deviceRefs.
 */
public final class ClientAccess {
    static final Context.Key<ClientAccess> CURRENT = Context.key("dmwsi-client-access");

    private final ClientPolicy policy;
    private final Pseudonyms pseudonyms;
    private final Transactions<? extends DmStore> devices;
    private final Transactions<? extends PseudonymStore> given;
    private final Map<String, Pseudonym> shown = new LinkedHashMap<>();

    ClientAccess(ClientPolicy policy, Pseudonyms pseudonyms, Transactions<? extends DmStore> devices,
            Transactions<? extends PseudonymStore> given) {
        this.policy = policy;
        this.pseudonyms = pseudonyms;
        this.devices = devices;
        this.given = given;
    }

    /** The access of the call being served (set by {@link DmwsiAccessInterceptor}). */
    static ClientAccess current() {
        ClientAccess access = CURRENT.get();
        if (access == null) {
            throw new IllegalStateException("a DMWSI service runs without its access interceptor");
        }
        return access;
    }

    String clientId() {
        return policy.clientId();
    }

    ClientPolicy policy() {
        return policy;
    }

    boolean pseudonymous() {
        return policy.pseudonyms();
    }

    /**
     * A {@code {deviceRef}} (section 4): a devId URN; a {@code tel:} line (the device most recently
     * seen on it); a {@code pid:} pseudonym this client was given. A pseudonymous client may use only
     * pseudonyms. Unknown, or outside the client's reach: 404 SVC0004 (the same answer for both).
     */
    DevId device(String ref) {
        DevId devId = resolve(ref).orElseThrow(() -> unknown(ref));
        if (!devices.read(store -> store.reaches(devId, policy.reach()))) {
            throw unknown(ref);
        }
        return devId;
    }

    private Optional<DevId> resolve(String ref) {
        if (Pseudonyms.isPseudonym(ref)) {
            return given.read(store -> store.findPseudonym(policy.clientId(), ref)).flatMap(p -> switch (p.kind()) {
                case DEVICE -> Optional.of(DevId.of(p.value()));
                case LINE -> Line.parse(p.value()).flatMap(line -> devices.read(store -> store.deviceOnLine(line)));
                case SUBSCRIBER -> Optional.empty();
            });
        }
        if (policy.pseudonyms()) {
            return Optional.empty();
        }
        if (ref.regionMatches(true, 0, "tel:", 0, 4)) {
            return Line.parse(ref).flatMap(line -> devices.read(store -> store.deviceOnLine(line)));
        }
        try {
            return Optional.of(DevId.of(ref));
        } catch (ApiException e) {
            return Optional.empty();
        }
    }

    /**
     * A target of this client's job (section 5): the device, or why it is Rejected. Unlike a single
     * operation's 404, a job's execution says which: unknown, or outside the caller's policy.
     */
    TargetResolver.Resolution target(String ref) {
        if (policy.pseudonyms() && !Pseudonyms.isPseudonym(ref)) {
            return TargetResolver.Resolution.rejected("outside the caller's policy: it names devices by pseudonym only");
        }
        Optional<DevId> devId = resolve(ref).filter(d -> devices.read(store -> store.findDevice(d))
                .filter(p -> p.lastSeen() != null).isPresent());
        if (devId.isEmpty()) {
            return TargetResolver.Resolution.rejected("unknown device");
        }
        if (!devices.read(store -> store.reaches(devId.get(), policy.reach()))) {
            return TargetResolver.Resolution.rejected("outside the caller's policy");
        }
        return TargetResolver.Resolution.of(devId.get());
    }

    /** A line of this client's job: tel:, or a line pseudonym it was given (a pseudonymous client: only that). */
    Optional<Line> line(String ref) {
        if (Pseudonyms.isPseudonym(ref)) {
            return given.read(store -> store.findPseudonym(policy.clientId(), ref))
                    .filter(p -> p.kind() == Kind.LINE).flatMap(p -> Line.parse(p.value()));
        }
        return policy.pseudonyms() ? Optional.empty() : Line.parse(ref);
    }

    static ApiException unknown(String ref) {
        return ApiException.of(ApiError.UNKNOWN_ADDRESS, "no device is known as " + ref, "deviceRef");
    }

    /** The devId as this client sees it: itself, or its pseudonym. */
    String show(DevId devId) {
        return show(Kind.DEVICE, devId.value());
    }

    /** A line as this client sees it (null stays null). */
    String show(Line line) {
        return line == null ? null : show(Kind.LINE, line.value());
    }

    String showSubscriber(String subscriberId) {
        return subscriberId == null ? null : show(Kind.SUBSCRIBER, subscriberId);
    }

    private synchronized String show(Kind kind, String value) {
        if (!policy.pseudonyms()) {
            return value;
        }
        Pseudonym p = pseudonyms.of(policy.clientId(), kind, value);
        shown.putIfAbsent(p.pid(), p);
        return p.pid();
    }

    /** Whether the client may read the node (and so see its value in a profile or the tree). */
    boolean readable(String uri) {
        return policy.allows(Permission.READ, uri);
    }

    /** Keeps the pseudonyms shown so far, before the answer carrying them is sent. */
    void flush() {
        List<Pseudonym> toKeep;
        synchronized (this) {
            if (shown.isEmpty()) {
                return;
            }
            toKeep = new ArrayList<>(shown.values());
            shown.clear();
        }
        given.inTransaction(store -> {
            store.recordPseudonyms(policy.clientId(), toKeep);
            return null;
        });
    }
}
