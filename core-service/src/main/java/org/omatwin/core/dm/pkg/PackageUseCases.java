package org.omatwin.core.dm.pkg;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.omatwin.core.dm.audit.Transaction;
import org.omatwin.core.dm.common.DmIds;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.device.DeviceProfile;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.storage.Transactions;

/**
 * Signed packages (dm-api.md section 8, 5.7-5.9, ES1-ES6, EI9): registration of the signed metadata,
 * the content's upload and verification, reads, deletion, the installations, and what a device may
 * download. Each public method is one transaction (an upload two: the content is streamed between
 * them, outside any transaction). A package is visible only to the client that registered it (others:
 * 404 SVC2008). Registration, the upload's outcome, deletion and each device download are on the
 * transaction log (6.1).
 */
public final class PackageUseCases {
    private final Transactions<? extends PackageStore> store;
    private final PackageContent content;
    private final Originators originators;
    private final Clock clock;

    public PackageUseCases(Transactions<? extends PackageStore> store, PackageContent content, Originators originators,
            Clock clock) {
        this.store = store;
        this.content = content;
        this.originators = originators;
        this.clock = clock;
    }

    /** The largest content accepted (TWIN_DM_PACKAGE_MAX_BYTES). */
    public long maxBytes() {
        return content.maxBytes();
    }

    /** Registers the signed metadata (AwaitingContent); the signature is checked with the content. */
    public SignedPackage register(String clientId, PackageMetadata metadata, String signature) {
        metadata.checked(content.maxBytes());
        Originators.checkShape(signature);
        return store.inTransaction(s -> {
            Instant now = clock.instant();
            SignedPackage p = SignedPackage.registered(DmIds.signedPackage(), clientId, metadata, signature, now);
            s.insertSignedPackage(p);
            s.recordTransaction(Transaction.of(Transaction.Kind.PACKAGE, clientId, null, null, null,
                    "package " + p.packageId() + " registered: " + describe(metadata), true, now));
            return p;
        });
    }

    /**
     * Receives the content (streamed), checks its size, SHA-256 and the signature over the metadata.
     * Verified: kept and offered to devices. Otherwise the package is Rejected with the reason (kept
     * for the client to read) and the call fails with 400 SVC0002 naming {@code content} or
     * {@code signature}; the content is dropped. Content over the limit or an interrupted upload: refused,
     * nothing kept, the package still awaits its content.
     */
    public SignedPackage upload(String clientId, String packageId, InputStream in) {
        SignedPackage before = store.inTransaction(s -> awaiting(own(s, clientId, packageId)));
        PackageContent.Received received;
        try {
            received = content.receive(in);
        } catch (ApiException refused) {
            store.inTransaction(s -> {
                s.recordTransaction(Transaction.of(Transaction.Kind.PACKAGE, clientId, null, null, null,
                        "package " + packageId + " content refused: " + refused.getMessage(), false, clock.instant()));
                return null;
            });
            throw refused;
        }
        Instant now = clock.instant();
        Optional<Refusal> refusal = check(before, received, now);
        SignedPackage after;
        try {
            after = store.inTransaction(s -> {
                SignedPackage current = awaiting(own(s, clientId, packageId));
                SignedPackage next = refusal.isEmpty() ? current.verified(now)
                        : current.rejected(refusal.get().reason(), now);
                if (next.isVerified()) {
                    content.keep(received); // before the commit: a Verified package always has its content
                }
                s.updateSignedPackage(next);
                s.recordTransaction(Transaction.of(Transaction.Kind.PACKAGE, clientId, null, null, null,
                        "package " + packageId + (next.isVerified() ? " verified" : " rejected: " + next.rejectReason()),
                        next.isVerified(), now));
                return next;
            });
        } finally {
            content.discard(received); // nothing left of a rejected or refused upload (a kept one has moved)
        }
        if (refusal.isPresent()) {
            throw ApiException.of(ApiError.INVALID_INPUT, refusal.get().reason(), refusal.get().variable());
        }
        return after;
    }

    private record Refusal(String variable, String reason) {}

    private Optional<Refusal> check(SignedPackage p, PackageContent.Received received, Instant now) {
        PackageMetadata m = p.metadata();
        if (received.size() != m.size()) {
            return Optional.of(new Refusal("content", "the content is " + received.size()
                    + " bytes; the package says " + m.size()));
        }
        if (!received.sha256().equals(m.sha256())) {
            return Optional.of(new Refusal("content", "the content's SHA-256 is not the package's"));
        }
        return originators.refusal(p.signature(), m.canonicalJson(), now).map(r -> new Refusal("signature", r));
    }

    public SignedPackage get(String clientId, String packageId) {
        return store.inTransaction(s -> own(s, clientId, packageId));
    }

    /** The client's packages in order of their ids, after {@code afterId} (null: from the first). */
    public List<SignedPackage> list(String clientId, String afterId, int limit) {
        return store.inTransaction(s -> s.packagesOf(clientId, afterId, limit));
    }

    /** Deletes the package and, unless another package has the same content, its content. */
    public void delete(String clientId, String packageId) {
        SignedPackage deleted = store.inTransaction(s -> {
            SignedPackage p = own(s, clientId, packageId);
            if (s.liveOperationNames(packageId)) {
                throw ApiException.of(ApiError.CONFLICT, "an operation that has not ended needs this package",
                        "packageId");
            }
            s.deleteSignedPackage(packageId);
            s.recordTransaction(Transaction.of(Transaction.Kind.PACKAGE, clientId, null, null, null,
                    "package " + packageId + " deleted", true, clock.instant()));
            return s.contentShared(p.metadata().sha256(), packageId) || !p.isVerified() ? null : p;
        });
        if (deleted != null) {
            content.remove(deleted.metadata().sha256());
        }
    }

    /** Per device, each install or update of the package (EI9). */
    public List<Installation> installations(String clientId, String packageId) {
        return store.inTransaction(s -> {
            own(s, clientId, packageId);
            return s.installations(packageId);
        });
    }

    /** A Verified package of the client, for an operation (404 SVC2008 otherwise; not verified: 409). */
    public SignedPackage forOperation(String clientId, String packageId) {
        return verified(get(clientId, packageId));
    }

    private static SignedPackage verified(SignedPackage p) {
        if (!p.isVerified()) {
            throw ApiException.of(ApiError.CONFLICT, "package " + p.packageId() + " is " + p.state().wire()
                    + ", not Verified", "packageId");
        }
        return p;
    }

    /**
     * A Verified package of any client, for an operation a subscriber starts on their own device (device
     * care: the portal offers what targets the device); 404 SVC2008 otherwise, 409 when not Verified.
     */
    public SignedPackage offered(String packageId) {
        SignedPackage p = store.inTransaction(s -> s.findSignedPackage(packageId)).orElseThrow(() ->
                ApiException.of(ApiError.NOT_FOUND, "no package " + packageId, "packageId"));
        return verified(p);
    }

    /** What a device downloads: the kept content of a Verified package. */
    public record Download(SignedPackage pkg, Path file) {}

    /**
     * The content for a device that holds a live command naming the package (delivered, its operation
     * not ended); anything else, another device's included, looks unknown (404 SVC2008). Each download
     * is on the transaction log of the operation's requester.
     *
     * @param range what the device asked for, for the log ("bytes 0-1023" or "whole")
     */
    public Download download(DevId devId, String packageId, String range) {
        return store.inTransaction(s -> {
            Optional<SignedPackage> p = s.findSignedPackage(packageId).filter(SignedPackage::isVerified);
            Optional<PackageStore.LiveCommand> live = p.isEmpty() ? Optional.empty() : s.liveCommand(devId, packageId);
            if (live.isEmpty()) {
                throw ApiException.of(ApiError.NOT_FOUND, "no package " + packageId + " for this device", "packageId");
            }
            s.recordTransaction(Transaction.of(Transaction.Kind.PACKAGE_DOWNLOAD, live.get().requesterId(), devId,
                    live.get().operationId(), null, "package " + packageId + " downloaded (" + range + ")", true,
                    clock.instant()));
            return new Download(p.get(), content.path(p.get().metadata().sha256()));
        });
    }

    /** A package as commands carry it, by id (null when unknown); no ownership check: the planner made the command. */
    public Optional<SignedPackage> describe(String packageId) {
        return store.read(s -> s.findSignedPackage(packageId));
    }

    /** The device as last reported (for the targets of an operation's package). */
    public Optional<DeviceProfile> device(DevId devId) {
        return store.read(s -> s.findDevice(devId));
    }

    private static SignedPackage own(PackageStore s, String clientId, String packageId) {
        return s.findSignedPackage(packageId).filter(p -> p.clientId().equals(clientId)).orElseThrow(() ->
                ApiException.of(ApiError.NOT_FOUND, "no package " + packageId, "packageId"));
    }

    private static SignedPackage awaiting(SignedPackage p) {
        if (p.state() != PackageState.AWAITING_CONTENT) {
            throw ApiException.of(ApiError.CONFLICT, "package " + p.packageId() + " is already " + p.state().wire(),
                    "packageId");
        }
        return p;
    }

    private static String describe(PackageMetadata m) {
        return m.kind().wire() + " " + m.name() + " " + m.version() + ", " + m.size() + " bytes";
    }
}
