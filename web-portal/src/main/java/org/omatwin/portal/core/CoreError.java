package org.omatwin.portal.core;

/** A refusal or failure of the core, already turned into a sentence a subscriber understands. */
public final class CoreError extends RuntimeException {
    private final String messageId;

    public CoreError(String sentence, String messageId) {
        super(sentence, null, false, false);
        this.messageId = messageId;
    }

    /** The OMA messageId behind it (for logs and tests), never shown to the subscriber. */
    public String messageId() {
        return messageId;
    }
}
