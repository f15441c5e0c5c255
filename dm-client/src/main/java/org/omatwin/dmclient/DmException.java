package org.omatwin.dmclient;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * A call to the server failed: a transport error, or an HTTP error answer ({@link #httpStatus()} and the
 * {@code requestError}'s {@link #messageId()}). Messages never carry tokens or node values.
 */
public class DmException extends RuntimeException {

    private final int httpStatus;
    private final String messageId;

    public DmException(String message) {
        this(message, null);
    }

    public DmException(String message, Throwable cause) {
        super(message, cause);
        this.httpStatus = 0;
        this.messageId = null;
    }

    public DmException(int httpStatus, String messageId, String message) {
        super(message);
        this.httpStatus = httpStatus;
        this.messageId = messageId;
    }

    /** The HTTP status of the error answer; 0 when no answer arrived. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The {@code requestError} messageId (e.g. {@code SVC2007}), or null. */
    public String messageId() {
        return messageId;
    }

    /** The cause inside completion wrappers. */
    public static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** A short description of a failure for people: the unwrapped cause's class and message. */
    public static String describe(Throwable e) {
        Throwable t = unwrap(e);
        if (t instanceof DmException) {
            return t.getMessage();
        }
        StringBuilder sb = new StringBuilder(t.getClass().getSimpleName());
        // the first message along the cause chain (a ConnectException from HttpClient often has none itself)
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c.getMessage() != null && !c.getMessage().isBlank()) {
                sb.append(": ").append(c.getMessage());
                break;
            }
        }
        if (t instanceof java.net.ConnectException && sb.indexOf(":") < 0) {
            sb.append(" (nothing listening, or unreachable)");
        }
        return sb.toString();
    }
}
