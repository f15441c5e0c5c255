package org.omatwin.dmclient;

import java.io.PrintStream;

/** Prints what a device does, one line each, for people watching the CLI. Never prints node values or tokens. */
final class ConsolePrinter implements DeviceListener {

    private final PrintStream out;
    private final PrintStream err;

    ConsolePrinter(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public void sessionStarted(Wire.SessionPackage first) {
        out.printf("session %s started (uiMode %s%s, %d commands)%n", first.sessionId(),
                first.uiMode() == null ? "-" : first.uiMode(),
                Boolean.TRUE.equals(first.customerCare()) ? ", customer care" : "", first.cmd().size());
    }

    @Override
    public void commandExecuted(Wire.Command command, Wire.Status status) {
        String target = command.uri() != null ? command.uri() : command.url() != null ? command.url() : "";
        String extra = status.results() == null ? "" : " (" + status.results().size() + " values)";
        out.printf("  cmd %-4s %-6s %s -> %d%s%n", command.cmdId(), command.op(), target, status.sc(), extra);
    }

    @Override
    public void show(String url) {
        out.println("  >>> SHOW: open " + url);
    }

    @Override
    public void shown(String url, String text) {
        out.println("  >>> SHOW: " + text);
    }

    @Override
    public void sessionEnded(SessionOutcome outcome) {
        out.printf("session %s ended: %s, %d package(s), %d command(s)%n", outcome.sessionId(),
                outcome.ok() ? "OK" : "Failure", outcome.packages(), outcome.commands());
    }

    @Override
    public void alertSent(Wire.Alert alert) {
        out.printf("alert %s %s%s%s sent%n", alert.type(), alert.uri() == null ? "" : alert.uri(),
                alert.correlator() == null ? "" : " correlator " + alert.correlator(),
                alert.resultCode() == null ? "" : " resultCode " + alert.resultCode());
    }

    @Override
    public void error(String what, Throwable cause) {
        err.println("error: " + what + ": " + DmException.describe(cause));
    }
}
