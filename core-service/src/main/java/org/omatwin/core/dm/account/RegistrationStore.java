package org.omatwin.core.dm.account;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.device.DeviceProfile;
import org.omatwin.core.dm.device.Line;
import org.omatwin.core.subscriber.SubscriberData;

/** Account registrations and the subscriber data they rest on; every call runs in the caller's transaction. */
public interface RegistrationStore {

    /** Who owns which lines (provisioning), in the same transaction. */
    SubscriberData subscribers();

    Optional<Registration> findRegistration(String subscriberId, DevId devId);

    /** The account's registrations, by devId. */
    List<Registration> registrationsOf(String subscriberId);

    /** Inserts or replaces the account's registration of the device. */
    void saveRegistration(Registration registration);

    void deleteRegistration(String subscriberId, DevId devId);

    /** Devices bound to one of {@code lines}, by devId. */
    List<DeviceProfile> devicesOn(Collection<Line> lines);
}
