package org.omatwin.portal.dmaccount;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.omatwin.portal.core.DeviceAccount;
import org.springframework.security.web.csrf.CsrfToken;

/**
 * The DM account's pages as plain HTML: no script, stock form controls with a label each (keyboard and
 * screen-reader usable), one column that fits a phone. Every value shown is escaped; every form carries
 * the session's anti-forgery token.
 */
final class Html {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);
    private static final String STYLE = """
            body{font-family:system-ui,sans-serif;margin:0 auto;padding:1rem;max-width:32rem;font-size:1rem;line-height:1.5}
            label{display:block;margin-top:1rem;font-weight:600}
            input,select,button{font:inherit;width:100%;box-sizing:border-box;padding:.6rem;margin-top:.25rem}
            button{margin-top:1rem;cursor:pointer}
            :focus-visible{outline:3px solid #1a73e8;outline-offset:2px}
            .error{color:#a50e0e;border:1px solid #a50e0e;padding:.5rem}
            .done{color:#0b6b2b;border:1px solid #0b6b2b;padding:.5rem}
            ul{padding-left:1.2rem} dt{font-weight:600} dd{margin:0 0 .5rem 0}
            """;

    private Html() {}

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** A device's page path; the devId is one path segment. */
    static String devicePath(String devId) {
        return DeviceAccountPages.BASE + "/" + org.springframework.web.util.UriUtils.encodePathSegment(devId,
                java.nio.charset.StandardCharsets.UTF_8);
    }

    static String page(String title, String message, boolean error, String body) {
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + esc(title) + "</title><style>" + STYLE + "</style></head><body><main>"
                + "<h1>" + esc(title) + "</h1>"
                + (message == null ? "" : "<p id=\"message\" role=\"" + (error ? "alert" : "status") + "\" class=\""
                        + (error ? "error" : "done") + "\">" + esc(message) + "</p>")
                + body + "</main></body></html>";
    }

    static String csrf(CsrfToken token) {
        return "<input type=\"hidden\" name=\"" + esc(token.getParameterName()) + "\" value=\"" + esc(token.getToken())
                + "\">";
    }

    static String list(DeviceAccount.Overview overview) {
        StringBuilder b = new StringBuilder("<p><a id=\"register\" href=\"" + DeviceAccountPages.BASE
                + "/new\">Register a device</a></p>");
        if (overview.devices().isEmpty()) {
            return b.append("<p>No devices yet.</p>").toString();
        }
        b.append("<ul id=\"devices\">");
        for (DeviceAccount.Device d : overview.devices()) {
            b.append("<li><a href=\"").append(esc(devicePath(d.devId()))).append("\">")
                    .append(esc(d.name() != null ? d.name() : d.devId())).append("</a> ")
                    .append(d.confirmed() ? "(confirmed)" : "(waiting for its code)").append("</li>");
        }
        return b.append("</ul>").toString();
    }

    static String registrationForm(List<String> lines, String devId, String line, String name, CsrfToken token) {
        StringBuilder options = new StringBuilder();
        for (String l : lines) {
            options.append("<option value=\"").append(esc(l)).append('"').append(l.equals(line) ? " selected" : "")
                    .append('>').append(esc(l)).append("</option>");
        }
        return "<p>The device shows a code in its next session; enter it on the device's page to confirm it is yours.</p>"
                + "<form method=\"post\" action=\"" + DeviceAccountPages.BASE + "/new\">" + csrf(token)
                + "<label for=\"devId\">Device identifier (for example urn:imei: and its 15 digits)</label>"
                + "<input id=\"devId\" name=\"devId\" required autocomplete=\"off\" spellcheck=\"false\" value=\""
                + esc(devId) + "\">"
                + "<label for=\"line\">Your line</label><select id=\"line\" name=\"line\" required>" + options
                + "</select>"
                + "<label for=\"name\">Name (optional)</label><input id=\"name\" name=\"name\" maxlength=\"64\" value=\""
                + esc(name) + "\">"
                + "<button id=\"submit\" type=\"submit\">Register</button></form>"
                + "<p><a href=\"" + DeviceAccountPages.BASE + "\">Your devices</a></p>";
    }

    static String device(DeviceAccount.Device d, CsrfToken token) {
        String action = esc(devicePath(d.devId()));
        StringBuilder b = new StringBuilder("<dl id=\"device\"><dt>Identifier</dt><dd id=\"devId\">")
                .append(esc(d.devId())).append("</dd><dt>Line</dt><dd id=\"line\">").append(esc(d.line()))
                .append("</dd><dt>Status</dt><dd id=\"binding\">")
                .append(d.confirmed() ? "Confirmed" : "Unconfirmed: enter the code the device shows").append("</dd>");
        if (d.confirmed()) {
            b.append("<dt>Model</dt><dd id=\"model\">").append(esc(join(d.manufacturer(), d.model()))).append("</dd>")
                    .append("<dt>Firmware</dt><dd>").append(esc(d.firmwareVersion())).append("</dd>")
                    .append("<dt>Last seen</dt><dd>").append(d.lastSeen() == null ? "never" : WHEN.format(d.lastSeen()))
                    .append("</dd>");
        }
        b.append("</dl>");
        if (!d.confirmed()) {
            b.append("<form method=\"post\" action=\"").append(action).append("\">").append(csrf(token))
                    .append("<input type=\"hidden\" name=\"action\" value=\"confirm\">")
                    .append("<label for=\"code\">Code shown on the device</label>")
                    .append("<input id=\"code\" name=\"code\" required inputmode=\"numeric\" pattern=\"[0-9]{6}\" ")
                    .append("maxlength=\"6\" autocomplete=\"one-time-code\">")
                    .append("<button id=\"confirm\" type=\"submit\">Confirm</button></form>");
        }
        b.append("<form method=\"post\" action=\"").append(action).append("\">").append(csrf(token))
                .append("<input type=\"hidden\" name=\"action\" value=\"rename\">")
                .append("<label for=\"name\">Name</label><input id=\"name\" name=\"name\" required maxlength=\"64\" value=\"")
                .append(esc(d.name())).append("\"><button id=\"rename\" type=\"submit\">Save name</button></form>")
                .append("<form method=\"post\" action=\"").append(action).append("\">").append(csrf(token))
                .append("<input type=\"hidden\" name=\"action\" value=\"unregister\">")
                .append("<button id=\"unregister\" type=\"submit\">Unregister this device</button></form>")
                .append("<p><a href=\"").append(DeviceAccountPages.BASE).append("\">Your devices</a></p>");
        return b.toString();
    }

    private static String join(String a, String b) {
        return ((a == null ? "" : a) + " " + (b == null ? "" : b)).strip();
    }
}
