package org.omatwin.portal.dmaccount;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import org.omatwin.portal.core.CoreError;
import org.omatwin.portal.core.DeviceAccount;
import org.omatwin.portal.security.SignedInSubscriber;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The DM account's HTML pages (dm-api.md section 3, seed 004 x.1.2): the device list, the registration
 * form ({@code GET/POST /dm/v2/devices/new}, 303 to the device's page) and a device's page with its
 * forms (enter the code the device shows, rename, unregister). Only for a signed-in subscriber (the
 * portal's OpenID Connect session); every post carries the session-bound anti-forgery token (checked
 * by Spring Security) and passes the {@link FormOrigin} check. The core decides everything else.
 */
@Controller
class DeviceAccountPages {
    static final String BASE = "/dm/v2/devices";

    private final SignedInSubscriber signedIn;
    private final FormOrigin origins;

    DeviceAccountPages(SignedInSubscriber signedIn, FormOrigin origins) {
        this.signedIn = signedIn;
        this.origins = origins;
    }

    @GetMapping(BASE)
    ResponseEntity<String> list() {
        try {
            return html(HttpStatus.OK, Html.page("Your devices", null, false, Html.list(account().overview())));
        } catch (CoreError e) {
            return html(HttpStatus.SERVICE_UNAVAILABLE, Html.page("Your devices", e.getMessage(), true, ""));
        }
    }

    @GetMapping(BASE + "/new")
    ResponseEntity<String> registrationForm(CsrfToken csrf) {
        return form(HttpStatus.OK, null, null, null, null, csrf);
    }

    @PostMapping(value = BASE + "/new", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    ResponseEntity<String> register(HttpServletRequest request, CsrfToken csrf,
            @RequestParam(defaultValue = "") String devId, @RequestParam(defaultValue = "") String line,
            @RequestParam(defaultValue = "") String name) {
        if (!origins.accepts(request)) {
            return refused();
        }
        try {
            DeviceAccount.Device d = account().register(devId, line, name);
            return seeOther(Html.devicePath(d.devId()) + (d.confirmed() ? "?done=confirmed" : "?done=registered"));
        } catch (CoreError e) {
            return form(status(e), e.getMessage(), devId, line, name, csrf);
        }
    }

    @GetMapping(BASE + "/{devId}")
    ResponseEntity<String> device(@PathVariable String devId, CsrfToken csrf,
            @RequestParam(required = false) String done) {
        try {
            DeviceAccount.Device d = account().get(devId);
            return html(HttpStatus.OK, Html.page(title(d), doneMessage(done), false, Html.device(d, csrf)));
        } catch (CoreError e) {
            return html(status(e), Html.page("Device", e.getMessage(), true, "<p><a href=\"" + BASE
                    + "\">Your devices</a></p>"));
        }
    }

    @PostMapping(value = BASE + "/{devId}", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    ResponseEntity<String> change(HttpServletRequest request, @PathVariable String devId, CsrfToken csrf,
            @RequestParam(defaultValue = "") String action, @RequestParam(required = false) String code,
            @RequestParam(required = false) String name) {
        if (!origins.accepts(request)) {
            return refused();
        }
        DeviceAccount account = account();
        try {
            switch (action) {
                case "confirm" -> account.confirm(devId, code);
                case "rename" -> account.rename(devId, name);
                case "unregister" -> {
                    account.unregister(devId);
                    return seeOther(BASE);
                }
                default -> {
                    return html(HttpStatus.BAD_REQUEST, Html.page("Device", "Unknown action.", true, ""));
                }
            }
            return seeOther(Html.devicePath(devId) + "?done=" + ("confirm".equals(action) ? "confirmed" : "renamed"));
        } catch (CoreError e) {
            try {
                DeviceAccount.Device d = account.get(devId);
                return html(status(e), Html.page(title(d), e.getMessage(), true, Html.device(d, csrf)));
            } catch (CoreError gone) {
                return html(status(gone), Html.page("Device", gone.getMessage(), true, ""));
            }
        }
    }

    private ResponseEntity<String> form(HttpStatus status, String error, String devId, String line, String name,
            CsrfToken csrf) {
        try {
            return html(status, Html.page("Register a device", error, error != null,
                    Html.registrationForm(account().overview().lines(), devId, line, name, csrf)));
        } catch (CoreError e) {
            return html(HttpStatus.SERVICE_UNAVAILABLE, Html.page("Register a device", e.getMessage(), true, ""));
        }
    }

    private DeviceAccount account() {
        return signedIn.deviceAccount();
    }

    private static String title(DeviceAccount.Device d) {
        return d.name() != null ? d.name() : "Device";
    }

    private static String doneMessage(String done) {
        if (done == null) {
            return null;
        }
        return switch (done) {
            case "registered" -> "Registered. The device will show a code: enter it below to confirm the device.";
            case "confirmed" -> "This device is confirmed on your line.";
            case "renamed" -> "Name saved.";
            default -> null;
        };
    }

    private static HttpStatus status(CoreError e) {
        return switch (e.messageId()) {
            case "SVC2008", "SVC0004" -> HttpStatus.NOT_FOUND;
            case "SVC0002", "SVC2005", "SVC2006" -> HttpStatus.BAD_REQUEST;
            case "UNAUTHENTICATED", "SVC2003" -> HttpStatus.UNAUTHORIZED;
            default -> HttpStatus.SERVICE_UNAVAILABLE;
        };
    }

    private static ResponseEntity<String> refused() {
        return html(HttpStatus.FORBIDDEN, Html.page("Not allowed", "This form was not sent from this site.", true,
                ""));
    }

    private static ResponseEntity<String> seeOther(String location) {
        return ResponseEntity.status(HttpStatus.SEE_OTHER).location(URI.create(location)).build();
    }

    private static ResponseEntity<String> html(HttpStatus status, String page) {
        return ResponseEntity.status(status).contentType(new MediaType("text", "html",
                java.nio.charset.StandardCharsets.UTF_8)).header("Cache-Control", "no-store").body(page);
    }
}
