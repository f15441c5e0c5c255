package org.omatwin.dmclient;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.List;

/**
 * The JSON bodies of the device surface (dm-api.md section 2.2), one record per element. Each body
 * has one root element; the {@code *Body} records are those roots. Absent elements are omitted when
 * writing (the server rejects unknown or null-valued elements it does not expect); unknown elements
 * are ignored when reading, since {@code v2} only ever gains optional elements.
 */
public final class Wire {

    /** The media type of command packages and reports. */
    public static final String MEDIA_TYPE = "application/vnd.omadm-cmd+json";

    static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private Wire() {
    }

    /**
     * A package to download, as carried by EXEC (FUMO, SCOMO): where, what to check (size, SHA-256), and the
     * originator's signature with the metadata it signs (name, version, kind, targets; dm-api.md section 8).
     */
    public record PackageRef(String url, String sha256, Long size, String signature, String name, String version,
                             String kind, JsonNode targets) {
    }

    /** One server command. Only {@code cmdId} and {@code op} are always present. */
    public record Command(String cmdId, String op, String uri, String url, String correlator, JsonNode data,
                          @JsonProperty("package") PackageRef pkg, String sha256, Long size) {

        /** The SHA-256 (hex) the fetched content must have: {@code package.sha256}, else {@code sha256}. */
        public String expectedSha256() {
            return pkg != null && pkg.sha256() != null ? pkg.sha256() : sha256;
        }

        /** The size the fetched content must have: {@code package.size}, else {@code size}. */
        public Long expectedSize() {
            return pkg != null && pkg.size() != null ? pkg.size() : size;
        }
    }

    /** A package of commands: one {@code sessionId}, the commands run in array order. */
    public record SessionPackage(String sessionId, String uiMode, Boolean customerCare, List<Command> cmd,
                                 String resourceURL) {
        public SessionPackage {
            cmd = cmd == null ? List.of() : List.copyOf(cmd);
        }
    }

    public record SessionBody(SessionPackage session) {
    }

    /** One {@code results} entry of a GET status. */
    public record Result(String uri, String format, JsonNode value) {
    }

    /** The status of one command; {@code results} only for GET. */
    public record Status(String cmdId, int sc, @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Result> results) {
        public static Status of(String cmdId, int sc) {
            return new Status(cmdId, sc, null);
        }
    }

    public record SessionReport(List<Status> status) {
    }

    public record SessionReportBody(SessionReport sessionReport) {
    }

    public record DevInfo(String devId, String man, String mod, String dmV, String lang) {
    }

    public record DevDetail(String devTyp, String oem, String fwV, String swV, String hwV) {
    }

    /** Package#1: who the device is and which management objects it supports. */
    public record SessionStart(DevInfo devInfo, DevDetail devDetail, List<String> supportedMOs) {
    }

    public record SessionStartBody(SessionStart sessionStart) {
    }

    /** A device event; {@code alertId} makes a retried alert count once. */
    public record Alert(String alertId, String type, String uri, String correlator, Integer resultCode, String mark,
                        JsonNode data, String eventTime) {
    }

    public record AlertBody(Alert alert) {
    }

    /** An entry of a {@code sessionList} (pending or completed). */
    public record SessionInfo(String sessionId, String result, String uiMode, Boolean customerCare,
                              String createdTime, String endTime, String resourceURL) {
    }

    public record SessionList(List<SessionInfo> session, String resourceURL, String nextPageToken) {
        public SessionList {
            session = session == null ? List.of() : List.copyOf(session);
        }
    }

    public record SessionListBody(SessionList sessionList) {
    }

    /** The error envelope of every non-2xx answer. */
    public record RequestError(ExceptionBody serviceException, ExceptionBody policyException) {
        ExceptionBody exception() {
            return serviceException != null ? serviceException : policyException;
        }
    }

    public record ExceptionBody(String messageId, String text, List<String> variables) {
    }

    public record RequestErrorBody(RequestError requestError) {
    }
}
