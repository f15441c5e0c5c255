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
        if (t.getMessage() != null) {
            sb.append(": ").append(t.getMessage());
        }
        Throwable root = t.getCause();
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != null && root.getMessage() != null && !root.getMessage().equals(t.getMessage())) {
            sb.append(" (").append(root.getMessage()).append(')');
        }
        return sb.toString();
    }
}
