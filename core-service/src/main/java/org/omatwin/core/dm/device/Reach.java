package org.omatwin.core.dm.device;

import java.util.Objects;
import java.util.Set;

/**
 * Which devices an external system may reach (dm-api.md section 6): all of them, the devices on the
 * lines of given subscribers, or those matching a filter over server-owned attributes only (the line
 * and its binding), never over what a device reports about itself. A device outside the reach is
 * answered as unknown.
 */
public sealed interface Reach {
    /** Every device. */
    record All() implements Reach {}

    /** The devices whose line belongs to one of these subscribers (provisioned subscriber data). */
    record Subscribers(Set<String> subscriberIds) implements Reach {
        public Subscribers {
            subscriberIds = Set.copyOf(subscriberIds);
            if (subscriberIds.isEmpty()) {
                throw new IllegalArgumentException("a subscribers reach names at least one subscriber");
            }
        }
    }

    /** The devices matching a filter whose terms are all over server-owned fields (line, binding). */
    record Matching(DeviceFilter filter) implements Reach {
        public Matching {
            Objects.requireNonNull(filter);
            for (var all : filter.anyOf()) {
                for (var term : all) {
                    if (term.field() != DeviceFilter.Field.LINE && term.field() != DeviceFilter.Field.BINDING) {
                        throw new IllegalArgumentException("a reach filter may use only line and binding (attributes "
                                + "the server owns), not " + term.field().wire());
                    }
                }
            }
        }
    }

    Reach ALL = new All();
}
