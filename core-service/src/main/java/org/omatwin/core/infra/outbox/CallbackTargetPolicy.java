package org.omatwin.core.infra.outbox;

import java.net.URI;

/** Decides whether the server may call a notifyURL; throws the contract's error when it may not. */
@FunctionalInterface
public interface CallbackTargetPolicy {
    void check(URI notifyUrl);
}
