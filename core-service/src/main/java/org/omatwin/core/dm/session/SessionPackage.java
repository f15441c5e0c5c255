package org.omatwin.core.dm.session;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.omatwin.core.dm.command.CommandStatus;
import org.omatwin.core.dm.device.DevId;

/**
 * One package of a started session (2.1, 2.2): up to the policy's number of commands, each with a
 * {@code cmdId} unique in it, the last one followed by {@code END}. Called SessionPackage because
 * "package" in this API also names a signed software container (section 8). {@code issuedTime} is
 * when the device received it (the previous one's report); {@code report} its statuses once given.
 */
public record SessionPackage(String packageId, String sessionId, DevId devId, int index, List<String> commandIds,
        boolean last, Instant issuedTime, List<CommandStatus> report, Instant reportedTime) {

    public SessionPackage {
        commandIds = List.copyOf(commandIds);
        report = report == null ? null : List.copyOf(report);
    }

    /** The cmdId of END in the last package: one past the others, which are numbered from 1. */
    public String endCmdId() {
        return last ? Integer.toString(commandIds.size() + 1) : null;
    }

    public static String cmdId(int position) {
        return Integer.toString(position + 1);
    }

    public boolean isIssued() {
        return issuedTime != null;
    }

    public boolean isReported() {
        return report != null;
    }

    public SessionPackage issued(Instant now) {
        return new SessionPackage(packageId, sessionId, devId, index, commandIds, last, now, null, null);
    }

    public SessionPackage reported(List<CommandStatus> statuses, Instant now) {
        return new SessionPackage(packageId, sessionId, devId, index, commandIds, last, issuedTime, statuses, now);
    }

    /** The same statuses, in any order: a retry after a lost response (2.1). */
    public boolean isSameReport(List<CommandStatus> statuses) {
        return byCmdId(report).equals(byCmdId(statuses));
    }

    private static Map<String, CommandStatus> byCmdId(List<CommandStatus> statuses) {
        return statuses.stream().collect(Collectors.toMap(CommandStatus::cmdId, Function.identity(), (a, b) -> a));
    }
}
