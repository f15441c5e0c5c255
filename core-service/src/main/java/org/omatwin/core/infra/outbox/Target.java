package org.omatwin.core.infra.outbox;

import java.net.URI;

/**
 * Where an outgoing message goes. Each kind has one {@link Sender}; a new kind of recipient (a device
 * gateway, a secondary DM server) is a new record here and a sender for it.
 */
public sealed interface Target {
    /** The stored kind, {@code outbox_message.target_kind}. */
    String kind();

    /** The stored address, {@code outbox_message.target}. */
    String address();

    /** An HTTP callback of a subscriber (twinning notifyURL, a DMWSI callbackReference). */
    record Callback(URI url) implements Target {
        public static final String KIND = "callback";

        @Override
        public String kind() {
            return KIND;
        }

        @Override
        public String address() {
            return url.toString();
        }
    }

    /** A partner MNO, by its "MCC-MNC", reached over the mutual-TLS peering channel. */
    record Partner(String mno) implements Target {
        public static final String KIND = "partner";

        @Override
        public String kind() {
            return KIND;
        }

        @Override
        public String address() {
            return mno;
        }
    }

    /**
     * An OAuth authorization server told of a change to the grants it issued (a deactivated twinning's
     * tokens revoked, HLF-TE-004), at {@code url}, authenticated as the core.
     */
    record AuthorizationServer(URI url) implements Target {
        public static final String KIND = "authorization-server";

        @Override
        public String kind() {
            return KIND;
        }

        @Override
        public String address() {
            return url.toString();
        }
    }

    /**
     * The operator's device-notification gateway (its SMS or push service, dm-api.md section 7), told to
     * wake a device whose session is still not started; configured by the operator, so trusted.
     */
    record DeviceGateway(URI url) implements Target {
        public static final String KIND = "device-gateway";

        @Override
        public String kind() {
            return KIND;
        }

        @Override
        public String address() {
            return url.toString();
        }
    }

    static Target of(String kind, String address) {
        return switch (kind) {
            case DeviceGateway.KIND -> new DeviceGateway(URI.create(address));
            case Callback.KIND -> new Callback(URI.create(address));
            case Partner.KIND -> new Partner(address);
            case AuthorizationServer.KIND -> new AuthorizationServer(URI.create(address));
            default -> throw new IllegalArgumentException("unknown outbox target kind " + kind);
        };
    }
}
