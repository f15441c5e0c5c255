package org.omatwin.dmclient;

/** The command status codes {@code sc} of dm-api.md section 2.2 (the SyncML DM set). */
public final class StatusCode {
    public static final int OK = 200;
    public static final int ACCEPTED = 202;
    public static final int NOT_EXECUTED = 215;
    public static final int BAD_REQUEST = 400;
    public static final int UNAUTHORIZED = 401;
    public static final int FORBIDDEN = 403;
    public static final int NOT_FOUND = 404;
    public static final int COMMAND_NOT_ALLOWED = 405;
    public static final int OPTIONAL_FEATURE_NOT_SUPPORTED = 406;
    public static final int UNSUPPORTED_MEDIA_TYPE = 415;
    public static final int ALREADY_EXISTS = 418;
    public static final int DEVICE_FULL = 420;
    public static final int SIZE_MISMATCH = 424;
    public static final int PERMISSION_DENIED = 425;
    public static final int COMMAND_FAILED = 500;

    private StatusCode() {
    }

    public static boolean isSuccess(int sc) {
        return sc >= 200 && sc < 300;
    }
}
