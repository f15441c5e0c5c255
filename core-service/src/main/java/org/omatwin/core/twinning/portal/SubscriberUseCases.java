package org.omatwin.core.twinning.portal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.twinning.DeviceAddress;
import org.omatwin.core.infra.storage.Transactions;
import org.omatwin.core.twinning.TwinningStatus;
import org.omatwin.core.twinning.TwinningUseCases;
import org.omatwin.core.twinning.TwinningView;

/**
 * What a subscriber does in the self-care portal. Every rule of a twinning stays in
 * {@link TwinningUseCases}: here the subscriber acts as one of their own lines, after checking that
 * the line (or the twinning, through one of the lines) is theirs. Anything else is reported exactly
 * like something that does not exist (SVC2008 / SVC0004), so a subscriber learns nothing of others.
 */
public final class SubscriberUseCases {
    /** A line with the subscriber's nickname for it (or null) and the relationships it is a party of. */
    public record Line(DeviceAddress address, String nickname, List<TwinningView> twinnings) {}

    public static final int MAX_NICKNAME_LENGTH = 32;

    private final Transactions<SubscriberStore> tx;
    private final TwinningUseCases twinnings;
    private final Clock clock;

    public SubscriberUseCases(Transactions<SubscriberStore> tx, TwinningUseCases twinnings, Clock clock) {
        this.tx = tx;
        this.twinnings = twinnings;
        this.clock = clock;
    }

    public List<DeviceAddress> linesOf(String subscriber) {
        return tx.inTransaction(store -> store.linesOf(subscriber));
    }

    public List<Line> lines(String subscriber) {
        java.util.Map<DeviceAddress, String> nicknames = tx.inTransaction(store -> store.nicknamesOf(subscriber));
        List<Line> out = new ArrayList<>();
        for (DeviceAddress line : linesOf(subscriber)) {
            out.add(new Line(line, nicknames.get(line), twinnings.list(line, null, null)));
        }
        return out;
    }

    /** How many devices one line may have twinned (the operator's policy, POL2008 beyond). */
    public int maxDevicesPerLine() {
        return twinnings.maxSecondaries();
    }

    /**
     * The subscriber's own name for one of their lines: 1-32 printable characters (the rules of a
     * twinning's name); empty or null removes it. Returns the stored nickname (null: none).
     */
    public String setNickname(String subscriber, String lineAddress, String nickname) {
        DeviceAddress line = ownLine(subscriber, lineAddress);
        String value = nickname == null || nickname.strip().isEmpty() ? null
                : org.omatwin.core.twinning.TwinningPolicy.validName(nickname.strip());
        if (value != null && value.codePointCount(0, value.length()) > MAX_NICKNAME_LENGTH) {
            throw ApiException.of(ApiError.INVALID_INPUT, "a nickname has at most " + MAX_NICKNAME_LENGTH
                    + " characters", "nickname");
        }
        tx.inTransaction(store -> {
            store.setNickname(line, value);
            return null;
        });
        return value;
    }

    /** HLF-PD-001 for one of the subscriber's lines, acting as that line (the primary). */
    public TwinningView activate(String subscriber, String lineAddress, String code, String name) {
        DeviceAddress line = ownLine(subscriber, lineAddress);
        return twinnings.activate(line, code, null, name == null || name.isBlank() ? null : name.strip(), null);
    }

    public TwinningView setStatus(String subscriber, String twinningId, TwinningStatus status) {
        DeviceAddress line = lineOf(subscriber, twinningId);
        twinnings.setStatus(line, twinningId, status);
        return twinnings.get(line, twinningId);
    }

    public TwinningView rename(String subscriber, String twinningId, String name) {
        DeviceAddress line = lineOf(subscriber, twinningId);
        twinnings.rename(line, twinningId, name);
        return twinnings.get(line, twinningId);
    }

    public void deactivate(String subscriber, String twinningId) {
        twinnings.deactivate(lineOf(subscriber, twinningId), twinningId);
    }

    /**
     * The relationship's events, newest first, for a relationship one of the subscriber's lines is or
     * was a party of: the history of a removed device stays readable.
     */
    public List<SubscriberStore.HistoryEntry> history(String subscriber, String twinningId) {
        if (twinningId == null || twinningId.isEmpty()) {
            throw ApiException.of(ApiError.MISSING_ELEMENT, "the twinning id is missing", "twinningId");
        }
        if (linesOf(subscriber).stream().noneMatch(line -> twinnings.wasParty(line, twinningId))) {
            throw ApiException.of(ApiError.NOT_FOUND, "no twinning " + twinningId + " for this subscriber",
                    "twinningId");
        }
        return tx.inTransaction(store -> store.historyOf(twinningId));
    }

    /** Whether a change to a relationship between these devices concerns one of the lines. */
    public static boolean concerns(Set<DeviceAddress> lines, DeviceAddress a, DeviceAddress b) {
        return lines.contains(a) || (b != null && lines.contains(b));
    }

    private DeviceAddress ownLine(String subscriber, String lineAddress) {
        if (lineAddress == null || lineAddress.isEmpty()) {
            throw ApiException.of(ApiError.MISSING_ELEMENT, "the line is missing", "lineAddress");
        }
        return linesOf(subscriber).stream().filter(l -> l.value().equals(lineAddress)).findFirst()
                .orElseThrow(() -> ApiException.of(ApiError.UNKNOWN_ADDRESS, "no line " + lineAddress + " for this subscriber",
                        "lineAddress"));
    }

    /** The subscriber's line that is a party of the live relationship; fails closed with SVC2008. */
    private DeviceAddress lineOf(String subscriber, String twinningId) {
        if (twinningId == null || twinningId.isEmpty()) {
            throw ApiException.of(ApiError.MISSING_ELEMENT, "the twinning id is missing", "twinningId");
        }
        for (DeviceAddress line : linesOf(subscriber)) {
            try {
                twinnings.get(line, twinningId);
                return line;
            } catch (ApiException e) {
                if (e.error() != ApiError.NOT_FOUND) {
                    throw e;
                }
            }
        }
        throw ApiException.of(ApiError.NOT_FOUND, "no twinning " + twinningId + " for this subscriber", "twinningId");
    }
}
