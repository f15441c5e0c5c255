package org.omatwin.portal.core;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import java.util.concurrent.Executor;

/** The subscriber's access token on a call to the core: {@code authorization: Bearer <token>}. */
final class Bearer {
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private Bearer() {}

    static CallCredentials of(String token) {
        return new CallCredentials() {
            @Override
            public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
                Metadata h = new Metadata();
                h.put(AUTHORIZATION, "Bearer " + token);
                applier.apply(h);
            }
        };
    }
}
