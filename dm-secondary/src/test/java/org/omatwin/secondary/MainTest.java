package org.omatwin.secondary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.omatwin.proto.dmwsi.delegation.v1.Batch;
import org.omatwin.proto.dmwsi.v1.Job;
import org.omatwin.proto.dmwsi.v1.JobExecution;
import org.omatwin.proto.dmwsi.v1.NodeValue;

class MainTest {
    @Test
    void optionsRepeatAndSplitOnCommasAndUnknownOnesAreRefused() {
        Options o = Options.parse(new String[] {"submit", "--device", "a,b", "--device", "c", "--batch-id", "x",
                "--no-watch"}, Set.of("--device", "--batch-id"));
        assertThat(o.command()).isEqualTo("submit");
        assertThat(o.all("--device")).containsExactly("a", "b", "c");
        assertThat(o.required("--batch-id")).isEqualTo("x");
        assertThat(o.has("--no-watch")).isTrue();
        assertThatThrownBy(() -> o.required("--type")).hasMessageContaining("submit needs --type");
        assertThatThrownBy(() -> Options.parse(new String[] {"submit", "--nope", "1"}, Set.of()))
                .hasMessageContaining("unknown option --nope");
        assertThatThrownBy(() -> Options.parse(new String[] {"--batch-id", "x"}, Set.of("--batch-id")))
                .hasMessageContaining("name a command");
    }

    @Test
    void batchesAndResultsPrintOnOneLineEach() {
        Batch b = Batch.newBuilder().setBatchId("b1").setJob(Job.newBuilder().setJobId("j-1").setState("Running")
                .putCounts("Succeeded", 2).putCounts("Queued", 1)).build();
        assertThat(Main.batch(b)).isEqualTo("batch b1 (job j-1): Running [Queued=1 Succeeded=2]");
        assertThat(Main.result(JobExecution.newBuilder().setTarget("urn:imei:1").setDeviceRef("urn:imei:1")
                .setState("Succeeded").addResults(NodeValue.newBuilder().setUri("./DevDetail/FwV").setValue("6.0.1"))
                .build())).isEqualTo("result urn:imei:1: Succeeded ./DevDetail/FwV=6.0.1");
        assertThat(Main.result(JobExecution.newBuilder().setTarget("tel:+1").setState("Rejected")
                .setReason("unknown device").build())).isEqualTo("result tel:+1: Rejected (unknown device)");
    }

    @Test
    void usageErrorsExitWithTwoAndHelpWithZero() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(Main.run(new String[] {"help"}, new PrintStream(out), new PrintStream(err))).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("submit", "--batch-id");
        assertThat(Main.run(new String[] {"submit", "--bogus", "1"}, new PrintStream(out), new PrintStream(err)))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option --bogus");
        assertThat(Main.run(new String[] {"get", "--cert", "/nonexistent.pem", "--key", "/nonexistent.key", "--ca",
                "/nonexistent-ca.pem", "--batch-id", "x"}, new PrintStream(out), new PrintStream(err))).isEqualTo(2);
    }
}
