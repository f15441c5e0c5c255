package org.omatwin.core.dm.api;

import com.google.api.AnnotationsProto;
import com.google.api.HttpRule;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.omatwin.core.dm.event.DmEventType;
import org.omatwin.core.dm.operation.OperationType;
import org.omatwin.proto.dmwsi.v1.DiscoveredResource;
import org.omatwin.proto.dmwsi.v1.DiscoveredScope;
import org.omatwin.proto.dmwsi.v1.Discovery;
import org.omatwin.proto.dmwsi.v1.ManagementObject;
import org.omatwin.proto.edge.v1.AccessProto;

/**
 * The discovery document {@code GET /dmwsi/v1} (ES7, EI6, OF6, OES5, OES11). The resources and their
 * scopes are read from the service descriptor (the same google.api.http rules and
 * (oma.edge.v1.access) options the edges enforce), so the document cannot drift from what is served.
 */
final class DmwsiDiscovery {
    /** Section 6 scopes: whether a resource using it is served yet. */
    private static final Map<String, String> SCOPES = new LinkedHashMap<>();

    static {
        SCOPES.put("oma_dmwsi.read", "read devices, their tree, operations and uploads (GETs)");
        SCOPES.put("oma_dmwsi.operate", "create and cancel operations");
        SCOPES.put("oma_dmwsi.jobs", "bulk jobs");
        SCOPES.put("oma_dmwsi.subscribe", "device event subscriptions");
        SCOPES.put("oma_dmwsi.packages", "signed firmware, software and configuration packages");
        SCOPES.put("oma_dmwsi.provision", "subscriber data from the BSS");
        SCOPES.put("oma_dmwsi.audit", "the caller's transaction log");
    }

    private static final Map<String, String> DESCRIPTIONS = Map.ofEntries(
            Map.entry("CreateOperation", "one operation on one device; 201 at once, the device is reached "
                    + "asynchronously; results pulled or pushed to callbackReference"),
            Map.entry("GetOperation", "an operation with its state timeline and results; ?waitSeconds=N (at most "
                    + "30) waits for a final state"),
            Map.entry("ListOperations", "the caller's operations, newest first; ?limit (default 50, at most 500), "
                    + "?pageToken"),
            Map.entry("CancelOperation", "cancels an operation not yet delivered (delivered: 409 SVC2007)"),
            Map.entry("ListOperationUploads", "what the device uploaded for an operation (HPUT/HPOST data, "
                    + "diagnostics reports)"),
            Map.entry("GetDevice", "the device profile as last reported, without contacting the device; {deviceRef} "
                    + "here, in operations and in subscriptions is a devId URN or a tel: line (E.164, the device most "
                    + "recently seen on it, binding Confirmed by its token's msisdn claim); pid: pseudonyms come with "
                    + "per-client policies and are answered 404 SVC0004 until then"),
            Map.entry("GetDeviceTree", "the last known values at and under ?uri=, each with its time, without "
                    + "contacting the device"),
            Map.entry("ListDevices", "devices matching ?filter= from what they last reported, ordered by devId, "
                    + "paged: terms field op value joined by ; (and) or , (or; ; binds tighter); ops == != =lt= =le= "
                    + "=gt= =ge= =in=(a,b); \"quoted\" values with \\ escapes; * a wildcard in == and !=; fields man "
                    + "mod devTyp (text), fwV swV hwV (ordered by dot-separated numeric parts), line, lastSeen "
                    + "(RFC 3339), binding (Confirmed | Unconfirmed); a bad filter: 400 SVC0002 naming the 0-based "
                    + "position"),
            Map.entry("GetNetworkParameters", "the operator's network parameters (ES8: APN, MMSC, proxies) from "
                    + "configuration, secret values hidden; a configure operation with \"networkParameter\": \"<id>\" "
                    + "delivers one to a device like values given in the request"),
            Map.entry("GetDiscovery", "this document"),
            Map.entry("CreateSubscription", "device events pushed to the caller's notifyURL (section 7): eventTypes "
                    + "as listed here, per device (deviceRefs) or for every device"),
            Map.entry("GetSubscription", "one of the caller's subscriptions"),
            Map.entry("ListSubscriptions", "the caller's subscriptions, oldest first; ?limit, ?pageToken"),
            Map.entry("DeleteSubscription", "ends a subscription; nothing more is sent for it"),
            Map.entry("PutSubscriber", "subscriber data from the BSS (ES9, ES12): lines (msisdn, tel: E.164), their "
                    + "SIM (iccid) and devices (devIds); an idempotent full replace; provisioned devices are bound to "
                    + "their line (Confirmed); 201 when new, else 200"),
            Map.entry("GetSubscriber", "a subscriber as provisioned"),
            Map.entry("DeleteSubscriber", "removes a subscriber and its lines; its devices lose the binding "
                    + "provisioning gave them"),
            Map.entry("CreatePackage", "registers a signed package (section 8): name, version, kind, targets, size, "
                    + "sha256 and the originator's JWS (detached payload, x5c); 201, AwaitingContent"),
            Map.entry("GetPackage", "one of the caller's packages: AwaitingContent, Verified or Rejected with the "
                    + "rejectReason"),
            Map.entry("ListPackages", "the caller's packages; ?limit, ?pageToken"),
            Map.entry("DeletePackage", "deletes a package and its content; 409 SVC2007 while an operation that has "
                    + "not ended names it"),
            Map.entry("ListInstallations", "per device, each install or update of the package and its result (EI9)"));

    private static final Pattern VARIABLE = Pattern.compile("\\{([a-z0-9_]+)}");

    private DmwsiDiscovery() {}

    static Discovery of(List<ServiceDescriptor> services, String baseUrl) {
        Discovery.Builder d = Discovery.newBuilder()
                .setName("OMA DM Web Services Interface (DMWSI)")
                .addVersions("v1")
                .setResourceUrl(baseUrl + "/dmwsi/v1");
        Set<String> served = new TreeSet<>();
        for (MethodDescriptor m : services.stream().flatMap(s -> s.getMethods().stream()).toList()) {
            HttpRule http = m.getOptions().getExtension(AnnotationsProto.http);
            List<String> scopes = m.getOptions().getExtension(AccessProto.access).getAnyScopeList();
            if (!m.getName().equals("GetDiscovery")) {
                served.addAll(scopes);
            }
            String method = http.getPatternCase().name();
            String path = switch (http.getPatternCase()) {
                case GET -> http.getGet();
                case POST -> http.getPost();
                case PUT -> http.getPut();
                case DELETE -> http.getDelete();
                case PATCH -> http.getPatch();
                default -> "";
            };
            d.addResources(DiscoveredResource.newBuilder().setMethod(method).setPath(camel(path))
                    .setGrpcMethod(m.getFullName()).addAllScopes(scopes)
                    .setDescription(DESCRIPTIONS.getOrDefault(m.getName(), m.getName())));
        }
        SCOPES.forEach((scope, text) -> d.addScopes(DiscoveredScope.newBuilder().setScope(scope).setDescription(text)
                // the discovery document accepts every scope; a scope is offered when another resource uses it
                .setOffered(served.contains(scope))));
        Arrays.stream(DmEventType.values()).forEach(t -> d.addEventTypes(t.wire()));
        // the one resource served as plain HTTP rather than by a gRPC method (section 8)
        d.addResources(DiscoveredResource.newBuilder().setMethod("PUT").setPath("/dmwsi/v1/packages/{packageId}/content")
                .addScopes("oma_dmwsi.packages").setDescription("a package's content, streamed (any media type; at "
                        + "most TWIN_DM_PACKAGE_MAX_BYTES, else 413): size, SHA-256 and signature checked; 200 with "
                        + "the package Verified, or 400 SVC0002 naming content or signature and the package Rejected"));
        Arrays.stream(OperationType.values()).forEach(t -> d.addOperationTypes(t.wire()));
        d.addManagementObjects(mo("urn:oma:mo:oma-dm-devinfo:1.0", "./DevInfo", "DevId", "Man", "Mod", "DmV", "Lang"))
                .addManagementObjects(mo("urn:oma:mo:oma-dm-devdetail:1.0", "./DevDetail", "DevTyp", "OEM", "FwV",
                        "SwV", "HwV"))
                .addManagementObjects(mo("urn:oma:mo:oma-fumo:1.0", "./FUMO/<x>", "PkgURL", "Download", "Update",
                        "DownloadAndUpdate", "State"))
                .addManagementObjects(mo("urn:oma:mo:oma-scomo:1.0", "./SCOMO", "Download/<x>/PkgID",
                        "Download/<x>/Name", "Download/<x>/PkgURL", "Download/<x>/Operations/Download",
                        "Download/<x>/Operations/DownloadInstall", "Download/<x>/Operations/DownloadInstallInactive",
                        "Inventory/Deployed/<x>/ID", "Inventory/Deployed/<x>/Name", "Inventory/Deployed/<x>/Version",
                        "Inventory/Deployed/<x>/State", "Inventory/Deployed/<x>/Operations/Activate",
                        "Inventory/Deployed/<x>/Operations/Deactivate", "Inventory/Deployed/<x>/Operations/Remove"))
                .addManagementObjects(mo("urn:oma:mo:oma-diagmon:1.0", "./DiagMon/<x>", "Operations/Start",
                        "Operations/Stop"));
        d.addDeviations("OF4: the OMA Web Services Framework is SOAP-era; this interface is REST (JSON, the "
                        + "google.api.http mapping of each RPC) plus gRPC (package oma.dmwsi.v1, with server "
                        + "reflection) instead of SOAP/WSDL; both carry the same messages.")
                .addDeviations("Security: OAuth 2.0 client-credentials bearer tokens with the scopes listed here, over "
                        + "TLS, instead of WS-Security.")
                .addDeviations("Errors: the OMA requestError envelope (serviceException / policyException with "
                        + "messageId, text, variables) as the HTTP body and as gRPC status details, instead of SOAP "
                        + "faults.")
                .addDeviations("Jobs (5.1, 5.2): a job's results are pushed as dmNotifications too: eventType "
                        + "jobResults with up to 500 executions each (results mode pushEach), jobCompleted with the "
                        + "job and its counts (pushOnCompletion, and subscriptions to jobCompleted). A job's list of "
                        + "devices or lines is not echoed back in answers; its executions name each target. "
                        + "WatchJob (live progress) is gRPC only.")
                .addDeviations("Notifications: each dmNotification is POSTed as JSON to the notifyURL with an "
                        + "X-Notification-Id header that stays the same across retries (at least once, in order per "
                        + "subscription; a 2xx acknowledges), instead of a SOAP notification interface.");
        return d.build();
    }

    private static ManagementObject mo(String id, String root, String... nodes) {
        return ManagementObject.newBuilder().setMoId(id).setRoot(root).addAllNodes(new ArrayList<>(List.of(nodes)))
                .build();
    }

    /** {@code /operations/{operation_id}} as the contract writes it: {@code /operations/{operationId}}. */
    private static String camel(String template) {
        Matcher m = VARIABLE.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String[] parts = m.group(1).split("_");
            StringBuilder name = new StringBuilder(parts[0]);
            for (int i = 1; i < parts.length; i++) {
                name.append(Character.toUpperCase(parts[i].charAt(0))).append(parts[i].substring(1));
            }
            m.appendReplacement(out, Matcher.quoteReplacement("{" + name + "}"));
        }
        m.appendTail(out);
        return out.toString();
    }
}
