package org.omatwin.core.dm.store;

import static org.omatwin.core.infra.storage.SqlTimes.instant;
import static org.omatwin.core.infra.storage.SqlTimes.odt;
import static org.omatwin.core.store.schema.Tables.DM_DEVICE;
import static org.omatwin.core.store.schema.Tables.DM_REGISTRATION;
import static org.omatwin.core.store.schema.Tables.DM_SIGNED_PACKAGE;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jooq.DSLContext;
import org.omatwin.core.dm.account.AccountStore;
import org.omatwin.core.dm.account.Registration;
import org.omatwin.core.dm.care.CareStore;
import org.omatwin.core.dm.pkg.PackageState;
import org.omatwin.core.dm.pkg.SignedPackage;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.device.DeviceProfile;
import org.omatwin.core.dm.device.Line;
import org.omatwin.core.store.schema.tables.records.DmRegistrationRecord;
import org.omatwin.core.subscriber.JooqSubscriberData;
import org.omatwin.core.subscriber.SubscriberData;

/**
 * {@link AccountStore} on PostgreSQL: the DM store of the device's queue plus registrations and the
 * shared subscriber data, all on one transaction's {@link DSLContext}; and device care's reads
 * ({@link CareStore}), which rest on the same.
 */
public final class JooqAccountStore extends JooqDmStore implements AccountStore, CareStore {
    private final DSLContext db;
    private final SubscriberData subscribers;

    public JooqAccountStore(DSLContext db) {
        super(db);
        this.db = db;
        this.subscribers = new JooqSubscriberData(db);
    }

    @Override
    public SubscriberData subscribers() {
        return subscribers;
    }

    @Override
    public Optional<Registration> findRegistration(String subscriberId, DevId devId) {
        return db.selectFrom(DM_REGISTRATION).where(DM_REGISTRATION.SUBSCRIBER_ID.eq(subscriberId)
                .and(DM_REGISTRATION.DEV_ID.eq(devId.value()))).fetchOptional().map(JooqAccountStore::toDomain);
    }

    @Override
    public List<Registration> registrationsOf(String subscriberId) {
        return db.selectFrom(DM_REGISTRATION).where(DM_REGISTRATION.SUBSCRIBER_ID.eq(subscriberId))
                .orderBy(DM_REGISTRATION.DEV_ID).fetch(JooqAccountStore::toDomain);
    }

    @Override
    public void saveRegistration(Registration r) {
        // what a later save of the same registration replaces
        Map<org.jooq.Field<?>, Object> changing = new LinkedHashMap<>();
        changing.put(DM_REGISTRATION.LINE, r.line().value());
        changing.put(DM_REGISTRATION.NAME, r.name());
        changing.put(DM_REGISTRATION.CODE_HASH, r.codeHash());
        changing.put(DM_REGISTRATION.CODE_EXPIRES_AT, odt(r.codeExpiresAt()));
        changing.put(DM_REGISTRATION.CODE_FAILURES, r.codeFailures());
        changing.put(DM_REGISTRATION.CODE_OPERATION, r.codeOperation());
        db.insertInto(DM_REGISTRATION)
                .set(DM_REGISTRATION.SUBSCRIBER_ID, r.subscriberId())
                .set(DM_REGISTRATION.DEV_ID, r.devId().value())
                .set(DM_REGISTRATION.CREATED_AT, odt(r.createdTime()))
                .set(changing)
                .onConflict(DM_REGISTRATION.SUBSCRIBER_ID, DM_REGISTRATION.DEV_ID).doUpdate()
                .set(changing)
                .execute();
    }

    @Override
    public void deleteRegistration(String subscriberId, DevId devId) {
        db.deleteFrom(DM_REGISTRATION).where(DM_REGISTRATION.SUBSCRIBER_ID.eq(subscriberId)
                .and(DM_REGISTRATION.DEV_ID.eq(devId.value()))).execute();
    }

    @Override
    public List<DeviceProfile> devicesOn(Collection<Line> lines) {
        if (lines.isEmpty()) {
            return List.of();
        }
        return db.selectFrom(DM_DEVICE).where(DM_DEVICE.LINE.in(lines.stream().map(Line::value).toList()))
                .orderBy(DM_DEVICE.DEV_ID).fetch(JooqDmStore::toProfile);
    }

    @Override
    public List<String> linesOf(String subscriberId) {
        return subscribers.linesOf(subscriberId);
    }

    @Override
    public Optional<String> registeredName(String subscriberId, DevId devId) {
        return db.select(DM_REGISTRATION.NAME).from(DM_REGISTRATION).where(DM_REGISTRATION.SUBSCRIBER_ID
                .eq(subscriberId).and(DM_REGISTRATION.DEV_ID.eq(devId.value()))).fetchOptional(DM_REGISTRATION.NAME);
    }

    @Override
    public List<SignedPackage> verifiedPackagesFor(String man, String mod) {
        return db.selectFrom(DM_SIGNED_PACKAGE).where(DM_SIGNED_PACKAGE.STATE.eq(PackageState.VERIFIED.name()))
                .and(DM_SIGNED_PACKAGE.TARGET_MAN.isNull().or(DM_SIGNED_PACKAGE.TARGET_MAN.eq(man)))
                .and(DM_SIGNED_PACKAGE.TARGET_MOD.isNull().or(DM_SIGNED_PACKAGE.TARGET_MOD.eq(mod)))
                .orderBy(DM_SIGNED_PACKAGE.ID).fetch(JooqDmStore::toPackage);
    }

    @Override
    public Optional<SignedPackage> readPackage(String packageId) {
        return db.selectFrom(DM_SIGNED_PACKAGE).where(DM_SIGNED_PACKAGE.ID.eq(packageId))
                .fetchOptional(JooqDmStore::toPackage);
    }

    private static Registration toDomain(DmRegistrationRecord r) {
        return new Registration(r.getSubscriberId(), DevId.of(r.getDevId()), new Line(r.getLine()), r.getName(),
                r.getCodeHash(), instant(r.getCodeExpiresAt()), r.getCodeFailures(), r.getCodeOperation(),
                instant(r.getCreatedAt()));
    }
}
