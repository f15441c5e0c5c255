package org.omatwin.core.dm.http;

import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.util.Exceptions;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.omatwin.core.dm.pkg.PackageUseCases;
import org.omatwin.core.dm.pkg.SignedPackage;
import org.omatwin.core.infra.edge.rest.RestErrors;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code PUT /dmwsi/v1/packages/{packageId}/content} (section 8) on the core's REST edge: the content
 * of a registered package, streamed to the package store as it arrives (never whole in memory), then
 * verified. Not a transcoded gRPC method: a body of up to TWIN_DM_PACKAGE_MAX_BYTES is not a message
 * (Envoy routes this path untranscoded to the core's REST port). The caller is authenticated like every
 * DMWSI call (bearer token with the scope {@code oma_dmwsi.packages}, and a policy of section 6).
 * Answers 200 with the {@code package} (Verified), or the contract's error.
 */
public final class PackageUpload implements HttpService {
    public static final String PATH = "/dmwsi/v1/packages/{packageId}/content";
    private static final Logger LOG = LoggerFactory.getLogger(PackageUpload.class);

    /** The DMWSI client calling (its token, its scope and policy checked), or a refusal. */
    @FunctionalInterface
    public interface ClientAuthentication {
        String authenticate(RequestHeaders headers);
    }

    private final PackageUseCases packages;
    private final ClientAuthentication auth;
    private final Function<SignedPackage, String> render;

    /** @param render the {"package": {...}} JSON of an answer, as the REST edge prints GetPackage */
    public PackageUpload(PackageUseCases packages, ClientAuthentication auth, Function<SignedPackage, String> render) {
        this.packages = packages;
        this.auth = auth;
        this.render = render;
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
        try {
            if (req.method() != HttpMethod.PUT) {
                throw DeviceSurface.notAllowed(req.method());
            }
            DeviceSurface.query(ctx);
            String packageId = ctx.pathParam("packageId");
            String clientId = auth.authenticate(req.headers());
            if (req.headers().contentLength() > packages.maxBytes()) { // announced too large: refused unread
                throw ApiException.of(ApiError.TOO_LARGE, "the content is larger than " + packages.maxBytes()
                        + " bytes", "content");
            }
            // only the body's data (trailers and informational headers carry none)
            InputStream body = req.toInputStream(o -> o instanceof com.linecorp.armeria.common.HttpData d ? d
                    : com.linecorp.armeria.common.HttpData.empty());
            CompletableFuture<HttpResponse> answer = CompletableFuture.supplyAsync(() -> {
                SignedPackage verified = packages.upload(clientId, packageId, body);
                return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, render.apply(verified));
            }, ctx.blockingTaskExecutor());
            return HttpResponse.of(answer.exceptionally(t -> error(Exceptions.peel(t))));
        } catch (ApiException e) {
            // the body is not read: the connection is closed after the answer
            return error(e);
        }
    }

    private static HttpResponse error(Throwable t) {
        if (t instanceof ApiException e) {
            return RestErrors.response(e, e.error() == ApiError.METHOD_NOT_ALLOWED ? "PUT" : null);
        }
        LOG.error("unexpected failure of a package upload", t);
        return RestErrors.response(ApiException.of(ApiError.INTERNAL, "an internal error occurred", "service"), null);
    }
}
