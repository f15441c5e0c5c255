package org.omatwin.core.twinning.peering;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import org.omatwin.core.infra.edge.auth.AccessRules;
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
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.omatwin.core.twinning.peering.PeeringConfig.Partner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates every peering call by the partner's client certificate (verified in the TLS handshake,
 * then matched to one partner here) and audits it: who, which method, which request, what outcome.
 */
final class PartnerAuthInterceptor implements ServerInterceptor {
    private static final Logger AUDIT = LoggerFactory.getLogger("org.omatwin.peering.audit");

    private final PartnerDirectory directory;
    private final AccessRules access;

    PartnerAuthInterceptor(PartnerDirectory directory, AccessRules access) {
        this.directory = directory;
        this.access = access;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getBareMethodName();
        SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        if (!access.forMethod(call.getMethodDescriptor().getFullMethodName())
                .map(a -> a.getPartnerCertificate()).orElse(false)) {
            // fail closed: an RPC that does not declare itself for partners is served to none
            AUDIT.warn("peer call refused: method={} remote={} reason=not a partner method", method, remote);
            call.close(Status.PERMISSION_DENIED.withDescription("this method is not available"), new Metadata());
            return new ServerCall.Listener<>() {};
        }
        Optional<Partner> partner = identify(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
        if (partner.isEmpty()) {
            AUDIT.warn("peer call refused: method={} remote={} reason=no partner certificate matches", method, remote);
            call.close(Status.UNAUTHENTICATED.withDescription("the client certificate does not identify a partner MNO"),
                    new Metadata());
            return new ServerCall.Listener<>() {};
        }
        String who = partner.get().mno().id();
        AtomicReference<String> requestId = new AtomicReference<>("-");
        ServerCall<Q, R> audited = new SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                if (status.isOk()) {
                    AUDIT.info("peer call: partner={} method={} request={} outcome=OK", who, method, requestId.get());
                } else {
                    AUDIT.warn("peer call: partner={} method={} request={} outcome={} {}", who, method, requestId.get(),
                            status.getCode(), status.getDescription());
                }
                super.close(status, trailers);
            }
        };
        Context ctx = Context.current().withValue(PeerContext.PARTNER, partner.get());
        ServerCall.Listener<Q> delegate = Contexts.interceptCall(ctx, audited, headers, next);
        return new SimpleForwardingServerCallListener<>(delegate) {
            @Override
            public void onMessage(Q message) {
                if (message instanceof Message m) {
                    FieldDescriptor f = m.getDescriptorForType().findFieldByName("request_id");
                    if (f != null) {
                        requestId.set(printable(String.valueOf(m.getField(f))));
                    }
                }
                super.onMessage(message);
            }
        };
    }

    private Optional<Partner> identify(SSLSession session) {
        if (session == null) {
            return Optional.empty();
        }
        try {
            Certificate[] chain = session.getPeerCertificates();
            X509Certificate[] x509 = Arrays.stream(chain).filter(X509Certificate.class::isInstance)
                    .map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
            return directory.identify(x509);
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
