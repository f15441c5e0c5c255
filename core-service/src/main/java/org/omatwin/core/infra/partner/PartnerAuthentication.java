package org.omatwin.core.infra.partner;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.net.SocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Function;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.omatwin.core.infra.edge.auth.AccessRules;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates every call of a service on the {@link PartnerListener} by the client certificate
 * (verified in the TLS handshake, then matched to one of this service's parties by {@link PartnerTrust})
 * and audits it: who, which method, which request, what outcome. Outermost in the service's chain, so
 * that the audit line records the final status. An RPC that does not declare
 * {@code (oma.edge.v1.access) = {partner_certificate: true}} is served to none (fail closed).
 *
 * @param <T> the kind of party (a partner MNO, a secondary DM server)
 */
public final class PartnerAuthentication<T> implements ServerInterceptor {
    private final PartnerTrust<T> trust;
    private final AccessRules access;
    private final Logger audit;
    private final String kind;
    private final String auditKey;
    private final Function<T, String> name;
    private final BiFunction<Context, T, Context> bind;

    /**
     * @param auditLogger the logger of the audit lines
     * @param kind what a party is called in messages ("partner MNO", "secondary DM server")
     * @param auditKey what names the party in an audit line ("partner", "secondary")
     * @param name a party's name in the audit lines
     * @param bind the call's context with the identified party in it (what the service reads)
     */
    public PartnerAuthentication(PartnerTrust<T> trust, AccessRules access, String auditLogger, String kind,
            String auditKey, Function<T, String> name, BiFunction<Context, T, Context> bind) {
        this.trust = trust;
        this.access = access;
        this.audit = LoggerFactory.getLogger(auditLogger);
        this.kind = kind;
        this.auditKey = auditKey;
        this.name = name;
        this.bind = bind;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getBareMethodName();
        SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        if (!access.forMethod(call.getMethodDescriptor().getFullMethodName())
                .map(a -> a.getPartnerCertificate()).orElse(false)) {
            audit.warn("peer call refused: method={} remote={} reason=not a partner method", method, remote);
            call.close(Status.PERMISSION_DENIED.withDescription("this method is not available"), new Metadata());
            return new ServerCall.Listener<>() {};
        }
        Optional<T> party = identify(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
        if (party.isEmpty()) {
            audit.warn("peer call refused: method={} remote={} reason=no {} certificate matches", method, remote,
                    kind);
            call.close(Status.UNAUTHENTICATED.withDescription("the client certificate does not identify a " + kind),
                    new Metadata());
            return new ServerCall.Listener<>() {};
        }
        String who = name.apply(party.get());
        AtomicReference<String> requestId = new AtomicReference<>("-");
        ServerCall<Q, R> audited = new SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                if (status.isOk()) {
                    audit.info("peer call: {}={} method={} request={} outcome=OK", auditKey, who, method,
                            requestId.get());
                } else {
                    audit.warn("peer call: {}={} method={} request={} outcome={} {}", auditKey, who,
                            method, requestId.get(), status.getCode(), status.getDescription());
                }
                super.close(status, trailers);
            }
        };
        Context ctx = bind.apply(Context.current(), party.get());
        ServerCall.Listener<Q> delegate = Contexts.interceptCall(ctx, audited, headers, next);
        return new SimpleForwardingServerCallListener<>(delegate) {
            @Override
            public void onMessage(Q message) {
                if (message instanceof Message m) {
                    for (String field : List.of("request_id", "batch_id")) {
                        FieldDescriptor f = m.getDescriptorForType().findFieldByName(field);
                        if (f != null && (!f.hasPresence() || m.hasField(f)) && !"".equals(m.getField(f))) {
                            requestId.set(printable(String.valueOf(m.getField(f))));
                        }
                    }
                }
                super.onMessage(message);
            }
        };
    }

    private Optional<T> identify(SSLSession session) {
        if (session == null) {
            return Optional.empty();
        }
        try {
            Certificate[] chain = session.getPeerCertificates();
            X509Certificate[] x509 = Arrays.stream(chain).filter(X509Certificate.class::isInstance)
                    .map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
            return trust.identify(x509);
        } catch (SSLPeerUnverifiedException e) {
            return Optional.empty();
        }
    }

    /** Request ids are the caller's: logged only as printable ASCII, at most 64 characters. */
    private static String printable(String value) {
        String clean = value.replaceAll("[^\\x21-\\x7e]", "?");
        return clean.length() > 64 ? clean.substring(0, 64) + "..." : clean;
    }
}
