package org.omatwin.core.dm.http;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.ServiceRequestContext;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.omatwin.core.dm.account.AccountDevice;
import org.omatwin.core.dm.account.AccountUseCases;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;

/**
 * The DM account's JSON surface {@code /dm/v2/devices} (dm-api.md section 3, seed 004 x.1.2): list,
 * register ({@code POST /devices/new}), read, change ({@code PUT}: the name, and the one-time code the
 * device showed) and unregister. Callers are accounts (bearer token of the subscriber with
 * {@code oma_dm.account}), never devices; the HTML pages of the same paths are the self-care portal's.
 */
public final class AccountSurface {
    public static final String PATH = DeviceSurface.PREFIX + "/devices";

    /** Who the account is: the subscriber its token names (or the development header). */
    @FunctionalInterface
    public interface AccountAuthentication {
        String authenticate(RequestHeaders headers, String operation);
    }

    /** Runs database work off the event loop (the device surface's executor). */
    @FunctionalInterface
    interface Blocking {
        CompletableFuture<HttpResponse> run(ServiceRequestContext ctx, Supplier<HttpResponse> work);
    }

    private final AccountUseCases accounts;
    private final AccountAuthentication auth;
    private final Supplier<String> baseUrl;

    public AccountSurface(AccountUseCases accounts, AccountAuthentication auth, Supplier<String> baseUrl) {
        this.accounts = accounts;
        this.auth = auth;
        this.baseUrl = baseUrl;
    }

    /** @param seg the path segments after {@code /devices} */
    CompletableFuture<HttpResponse> route(ServiceRequestContext ctx, AggregatedHttpRequest req, List<String> seg,
            Blocking blocking) {
        HttpMethod method = req.method();
        DeviceSurface.query(ctx);
        if (seg.isEmpty()) {
            DeviceSurface.expect(method, HttpMethod.GET);
            DeviceSurface.noBody(req);
            String subscriber = auth.authenticate(req.headers(), "GET /devices");
            return blocking.run(ctx, () -> json(HttpStatus.OK, DmJson.accountDeviceList(accounts.list(subscriber),
                    baseUrl.get())));
        }
        if (seg.size() != 1 || seg.get(0).isEmpty()) {
            throw ApiException.of(ApiError.NOT_FOUND, "no resource at " + ctx.path(), "path");
        }
        if (seg.get(0).equals("new")) {
            DeviceSurface.expect(method, HttpMethod.POST);
            var registration = DmJson.registration(DeviceSurface.body(req, false));
            String subscriber = auth.authenticate(req.headers(), "POST /devices/new");
            return blocking.run(ctx, () -> {
                AccountDevice d = accounts.register(subscriber, registration.devId(), registration.line(),
                        registration.name());
                String location = baseUrl.get() + "/devices/" + d.devId().value();
                return HttpResponse.of(ResponseHeaders.builder(HttpStatus.CREATED).contentType(MediaType.JSON_UTF_8)
                        .add(HttpHeaderNames.LOCATION, location).build(),
                        HttpData.wrap(DmJson.accountDevice(d, baseUrl.get())));
            });
        }
        DevId devId = devIdOr404(seg.get(0));
        return switch (method.name()) {
            case "GET" -> {
                DeviceSurface.noBody(req);
                String subscriber = auth.authenticate(req.headers(), "GET /devices/id");
                yield blocking.run(ctx, () -> json(HttpStatus.OK, DmJson.accountDevice(accounts.get(subscriber, devId),
                        baseUrl.get())));
            }
            case "PUT" -> {
                var change = DmJson.accountChange(DeviceSurface.body(req, false));
                String subscriber = auth.authenticate(req.headers(), "PUT /devices/id");
                yield blocking.run(ctx, () -> json(HttpStatus.OK, DmJson.accountDevice(accounts.update(subscriber,
                        devId, change.name(), change.code()), baseUrl.get())));
            }
            case "DELETE" -> {
                DeviceSurface.noBody(req);
                String subscriber = auth.authenticate(req.headers(), "DELETE /devices/id");
                yield blocking.run(ctx, () -> {
                    accounts.unregister(subscriber, devId);
                    return HttpResponse.of(HttpStatus.NO_CONTENT);
                });
            }
            default -> throw DeviceSurface.notAllowed(method);
        };
    }

    /** A path that names no devId names no device of this account. */
    private static DevId devIdOr404(String text) {
        try {
            return DevId.of(text);
        } catch (ApiException e) {
            throw ApiException.of(ApiError.NOT_FOUND, "no device " + text + " in this account", "devId");
        }
    }

    private static HttpResponse json(HttpStatus status, byte[] body) {
        return HttpResponse.of(ResponseHeaders.builder(status).contentType(MediaType.JSON_UTF_8).build(),
                HttpData.wrap(body));
    }
}
