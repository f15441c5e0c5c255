package org.omatwin.core.dm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.omatwin.core.CoreConfig;
import org.omatwin.core.dm.network.NetworkParameters;
import org.omatwin.core.dm.operation.ConfigValue;

/** ES8: the network parameters file, read whole at start; a bad one stops start-up naming the problem. */
class NetworkParametersTest {

    @Test
    void aFileReadsAsParametersAndTheirConfigureValues() {
        NetworkParameters p = NetworkParameters.parse("""
                {"networkParameters": [
                  {"id": "apn.internet", "kind": "apn", "description": "Internet",
                   "values": [{"uri": "./Settings/APN/1/Name", "value": "internet"},
                              {"uri": "./Settings/APN/1/Password", "value": "pw", "format": "chr", "secret": true}]},
                  {"id": "mmsc", "kind": "mmsc", "values": [{"uri": "./MMS/MMSC", "value": "http://mms"}]}]}""");
        assertThat(p.all()).hasSize(2);
        assertThat(p.find("apn.internet").orElseThrow().configValues()).containsExactly(
                new ConfigValue("./Settings/APN/1/Name", "internet", null),
                new ConfigValue("./Settings/APN/1/Password", "pw", "chr"));
        assertThat(p.find("apn.internet").orElseThrow().values().get(1).secret()).isTrue();
        assertThat(p.find("apn.internet").orElseThrow().toString()).doesNotContain("pw]").doesNotContain("\"pw\"");
        assertThat(p.find("nope")).isEmpty();
        assertThat(NetworkParameters.parse("{\"networkParameters\": []}").all()).isEmpty();
    }

    @Test
    void aBadFileNamesTheProblem() {
        assertThatThrownBy(() -> NetworkParameters.parse("{\"networkParameters\": [")).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> NetworkParameters.parse("[]")).hasMessageContaining("expected an object");
        assertThatThrownBy(() -> NetworkParameters.parse("{\"apns\": []}")).hasMessageContaining("apns is not a known");
        assertThatThrownBy(() -> NetworkParameters.parse("{\"networkParameters\": [{\"id\": \"a\", \"kind\": \"apn\","
                + " \"values\": [{\"uri\": \"Settings\", \"value\": \"x\"}]}]}"))
                .hasMessageContaining("networkParameters[0].values[0].uri must be a node from ./");
        assertThatThrownBy(() -> NetworkParameters.parse("{\"networkParameters\": [{\"id\": \"a\", \"kind\": \"apn\","
                + " \"values\": [{\"uri\": \"./A\", \"value\": \"x\"}]}, {\"id\": \"a\", \"kind\": \"apn\","
                + " \"values\": [{\"uri\": \"./A\", \"value\": \"x\"}]}]}"))
                .hasMessageContaining("networkParameters[1].id a is given twice");
        assertThatThrownBy(() -> NetworkParameters.parse("{\"networkParameters\": [{\"id\": \"a b\", \"kind\": \"apn\","
                + " \"values\": [{\"uri\": \"./A\", \"value\": \"x\"}]}]}")).hasMessageContaining("networkParameters[0].id");
        assertThatThrownBy(() -> NetworkParameters.parse("{\"networkParameters\": [{\"id\": \"a\", \"kind\": \"apn\","
                + " \"values\": []}]}")).hasMessageContaining("networkParameters[0].values must be a non-empty array");
        assertThatThrownBy(() -> NetworkParameters.parse("{\"networkParameters\": [{\"id\": \"a\", \"kind\": \"apn\","
                + " \"values\": [{\"uri\": \"./A\", \"value\": 5}]}]}"))
                .hasMessageContaining("networkParameters[0].values[0].value must be a string");
        assertThatThrownBy(() -> NetworkParameters.parse("{\"networkParameters\": [{\"id\": \"a\", \"kind\": \"apn\","
                + " \"values\": [{\"uri\": \"./A\", \"value\": \"x\", \"secret\": \"yes\"}]}]}"))
                .hasMessageContaining("secret must be true or false");
    }

    @Test
    void theConfigurationReadsTheFileOrStopsNamingIt(@TempDir Path dir) throws Exception {
        Map<String, String> dev = Map.of("TWIN_AUTH_MODE", "dev");
        assertThat(CoreConfig.from(dev).dm().networkParameters().all()).isEmpty();
        Path good = dir.resolve("np.json");
        Files.writeString(good, "{\"networkParameters\": [{\"id\": \"mmsc\", \"kind\": \"mmsc\","
                + " \"values\": [{\"uri\": \"./MMS/MMSC\", \"value\": \"http://mms\"}]}]}");
        assertThat(CoreConfig.from(Map.of("TWIN_AUTH_MODE", "dev", "TWIN_DM_NETWORK_PARAMETERS", good.toString()))
                .dm().networkParameters().find("mmsc")).isPresent();
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"networkParameters\": [{\"id\": \"mmsc\", \"values\": [{\"uri\": \"./A\","
                + " \"value\": \"x\"}]}]}");
        assertThatThrownBy(() -> CoreConfig.from(Map.of("TWIN_AUTH_MODE", "dev", "TWIN_DM_NETWORK_PARAMETERS",
                bad.toString()))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("TWIN_DM_NETWORK_PARAMETERS (" + bad + ")")
                .hasMessageContaining("networkParameters[0].kind is missing");
        assertThatThrownBy(() -> CoreConfig.from(Map.of("TWIN_AUTH_MODE", "dev", "TWIN_DM_NETWORK_PARAMETERS",
                dir.resolve("absent.json").toString()))).hasMessageContaining("cannot read");
    }
}
