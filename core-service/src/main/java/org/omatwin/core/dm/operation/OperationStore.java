package org.omatwin.core.dm.operation;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.omatwin.core.dm.audit.TransactionLog;
import org.omatwin.core.dm.command.Command;
import org.omatwin.core.dm.data.DataStore;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.device.DeviceStore;

/**
 * Operations and their commands (the per-device queue of work); every call runs inside the caller's
 * transaction, which holds the device's lock whenever it changes that device's work.
 */
public interface OperationStore extends DeviceStore, DataStore, TransactionLog {

    /** The next acceptance number (a database sequence): binding follows it (2.1). */
    long nextOperationSeq();

    void insertOperation(Operation operation);

    void updateOperation(Operation operation);

    /**
     * The operation of a job's execution changed state: the execution takes it (Delivered, or its end
     * with the time), and the job's counts move with it (section 5). Nothing for other operations.
     */
    void executionFollows(Operation operation);

    Optional<Operation> findOperation(String operationId);

    /** Unique per requester (a unique index on requester kind, id and clientCorrelator). */
    Optional<Operation> findByClientCorrelator(Requester requester, String clientCorrelator);

    /** The requester's operations, newest first. */
    List<Operation> operationsOf(Requester requester, int offset, int limit);

    /** The device's operations in state Queued, by acceptance order. */
    List<Operation> queuedOperations(DevId devId);

    /** Operations not in a final state whose deadline is at or before {@code now}, oldest first. */
    List<Operation> overdueOperations(Instant now, int limit);

    void insertCommands(List<Command> commands);

    void updateCommand(Command command);

    /** The operation's commands in their order. */
    List<Command> commandsOf(String operationId);

    Optional<Command> findCommand(String commandId);

    Optional<Command> findCommandByCorrelator(String correlator);
}
