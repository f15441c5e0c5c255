package org.omatwin.core.dm.alert;

import java.util.Map;

/**
 * FUMO and SCOMO result codes (2.2): which end an operation successfully, and their standard text
 * for the northbound API (OMA-TS-DM_FUMO, OMA-TS-DM_SCOMO result code tables).
 */
public final class ResultCodes {
    public enum Outcome { SUCCESS, FAILURE }

    private static final Map<Integer, String> TEXT = Map.ofEntries(
            Map.entry(200, "Successful"),
            Map.entry(400, "Management Client Error"),
            Map.entry(401, "User Cancelled"),
            Map.entry(402, "Corrupted Firmware Update Package"),
            Map.entry(403, "Firmware Update Package - Device Mismatch"),
            Map.entry(404, "Failed Firmware Update Package Validation"),
            Map.entry(405, "Firmware Update Package Not Acceptable"),
            Map.entry(406, "Alternate Download Authentication Failure"),
            Map.entry(407, "Alternate Download Request Time-Out"),
            Map.entry(408, "Not Implemented"),
            Map.entry(409, "Undefined Error"),
            Map.entry(410, "Firmware Update Failed"),
            Map.entry(411, "Malformed or Bad URL"),
            Map.entry(412, "Alternate Download Server Unavailable"),
            Map.entry(500, "Alternate Download Server Error"),
            Map.entry(501, "Download Fails due to Device is Out of Memory"),
            Map.entry(502, "Firmware Update Fails due to Device Out of Memory"),
            Map.entry(503, "Download Fails due to Network Issues"),
            Map.entry(1200, "Successful"),
            Map.entry(1400, "Client Error"),
            Map.entry(1401, "User Cancelled"),
            Map.entry(1402, "Download Failed"),
            Map.entry(1403, "Alternate Download Authentication Failure"),
            Map.entry(1404, "Download Failed due to Device Out of Memory"),
            Map.entry(1405, "Install Failed"),
            Map.entry(1406, "Install Failed due to Device Out of Memory"),
            Map.entry(1407, "Failed Package Validation"),
            Map.entry(1408, "Remove Failed"),
            Map.entry(1409, "Activate Failed"),
            Map.entry(1410, "Deactivate Failed"),
            Map.entry(1411, "Not Implemented"),
            Map.entry(1412, "Undefined Error"),
            Map.entry(1413, "Operation Rejected - Unsupported Environment"),
            Map.entry(1500, "Alternate Download Server Error"),
            Map.entry(1501, "Alternate Download Server Unavailable"));

    private ResultCodes() {}

    /**
     * FUMO 200, 250-299 and SCOMO 1200, 1250-1299 succeed; every other code fails, the listed failure
     * ranges and any code outside both tables (a result the server cannot read is not a success).
     */
    public static Outcome outcome(int code) {
        boolean success = code == 200 || between(code, 250, 299) || code == 1200 || between(code, 1250, 1299);
        return success ? Outcome.SUCCESS : Outcome.FAILURE;
    }

    public static String text(int code) {
        String known = TEXT.get(code);
        if (known != null) {
            return known;
        }
        if (between(code, 250, 299) || between(code, 1250, 1299)) {
            return "Successful - Vendor Specified";
        }
        if (between(code, 450, 499) || between(code, 1450, 1499)) {
            return "Client Error - Vendor Specified";
        }
        if (between(code, 550, 599) || between(code, 1550, 1599)) {
            return "Alternate Download Server Error - Vendor Specified";
        }
        return "Unknown result code";
    }

    private static boolean between(int code, int low, int high) {
        return code >= low && code <= high;
    }
}
