package org.omatwin.core.twinning.activation;


import java.time.Instant;
import org.omatwin.core.twinning.activation.ActivationCodes;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.error.ApiError;

/** Draws a code that no pending relationship holds (HLF-SD-003: six digits, single use). */
public final class CodeIssuance {
    private static final int CODE_GENERATION_TRIES = 20;

    private final ActivationCodes codes;

    public CodeIssuance(ActivationCodes codes) {
        this.codes = codes;
    }

    public String freshCode(CodeSpace store, Instant now) {
        for (int i = 0; i < CODE_GENERATION_TRIES; i++) {
            String plain = codes.generate();
            String hash = codes.hash(plain);
            store.releaseExpiredCode(hash, now);
            if (!store.isCodeHashInUse(hash)) {
                return plain;
            }
        }
        // A million codes and a handful pending: reaching this means the space is nearly exhausted.
        throw ApiException.of(ApiError.UNAVAILABLE, "no activation code is available now, retry later", "activationCode");
    }
}
