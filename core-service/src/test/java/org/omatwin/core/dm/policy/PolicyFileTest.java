package org.omatwin.core.dm.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.omatwin.core.CoreConfig;
import org.omatwin.core.dm.device.Reach;

/** The operator's policy file: what it says, and a bad one stopping start-up with its line. */
class PolicyFileTest {
    private static final String GOOD = """
            {"policies": [
              {"client": "care-desk", "reach": {"all": true},
               "nodes": [{"path": "./", "allow": ["read", "write", "delete", "execute", "show"]}],
               "requestsPerSecond": 50},
              {"client": "apps", "reach": {"filter": "line==\\"tel:+4477009*\\""}, "pseudonyms": true,
               "nodes": [{"path": "./DevDetail", "allow": ["read"]},
                         {"path": "./Browser/Favorites/*", "allow": ["write"]}],
               "requestsPerSecond": 5, "burst": 10},
              {"client": "alice-shop", "reach": {"subscribers": ["alice"]}, "nodes": []}
            ]}
            """;

    @Test
    void readsEachClientsReachRulesPseudonymsAndRate() {
        Policies p = PolicyFile.parse(GOOD);
        ClientPolicy care = p.forClient("care-desk").orElseThrow();
        assertThat(care.reach()).isEqualTo(Reach.ALL);
        assertThat(care.pseudonyms()).isFalse();
        assertThat(care.requestsPerSecond()).isEqualTo(50);
        assertThat(care.burst()).isEqualTo(100);
        ClientPolicy apps = p.forClient("apps").orElseThrow();
        assertThat(apps.reach()).isInstanceOf(Reach.Matching.class);
        assertThat(apps.pseudonyms()).isTrue();
        assertThat(apps.burst()).isEqualTo(10);
        assertThat(apps.allows(Permission.WRITE, "./Browser/Favorites/1")).isTrue();
        assertThat(apps.allows(Permission.READ, "./Browser/Favorites/1")).isFalse();
        assertThat(p.forClient("alice-shop").orElseThrow().reach()).isEqualTo(new Reach.Subscribers(
                java.util.Set.of("alice")));
        assertThat(p.forClient("nobody")).as("no policy, no access").isEmpty();
    }

    @Test
    void aFaultNamesTheLineItIsOn() {
        String[][] cases = {
            {"{\"policies\": [\n  {\"client\": \"a\", \"reach\": {\"all\": true},\n   \"nodes\": [{\"path\": \"./\", "
                    + "\"allow\": [\"read\", \"fly\"]}]}\n]}", "line 3", "unknown permission 'fly'"},
            {"{\"policies\": [\n  {\"client\": \"a\",\n   \"reach\": {\"filter\": \"man==\\\"Acme\\\"\"},\n   "
                    + "\"nodes\": []}]}", "line 3", "only line and binding"},
            {"{\"policies\": [\n  {\"client\": \"a\", \"reach\": {\"all\": true}, \"nodes\": [],\n   \"colour\": 1}]}",
                "line 3", "unknown element 'colour'"},
            {"{\"policies\": [\n  {\"client\": \"a\", \"reach\": {\"all\": true}, \"nodes\": []},\n"
                    + "  {\"client\": \"a\", \"reach\": {\"all\": true}, \"nodes\": []}]}", "line 3", "two policies"},
            {"{\"policies\": [\n  {\"client\": \"a\", \"reach\": {\"all\": true},\n   \"nodes\": [\n"
                    + "     {\"path\": \"./\", \"allow\": []},\n     {\"path\": \"DevInfo\", \"allow\": [\"read\"]}]}]}",
                "line 5", "nodes[1].path"},
            {"{\"policies\": [\n  {\"client\": \"a\", \"nodes\": []}]}", "line 2", "reach is missing"},
            {"{\"policies\": [\n  {\"client\": \"a\", \"reach\": {\"all\": true}, \"nodes\": [],\n"
                    + "   \"requestsPerSecond\": 0}]}", "line 3", "requestsPerSecond"},
            {"{\"policies\": [\n  {\"client\": \"a\", \"reach\": {\"all\": true}, \n   \"nodes\": [] \n  }\n",
                "line", "not JSON"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> PolicyFile.parse(c[0])).as(c[2]).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(c[1]).hasMessageContaining(c[2]);
        }
    }

    @Test
    void aBadFileStopsStartUpNamingTheFileAndLine(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("policies.json");
        Files.writeString(bad, "{\"policies\": [\n  {\"client\": \"a\", \"reach\": {\"everything\": true}, \"nodes\": []}]}");
        assertThatThrownBy(() -> CoreConfig.from(Map.of("TWIN_AUTH_MODE", "dev", "TWIN_DM_POLICIES", bad.toString())))
                .hasMessageContaining("TWIN_DM_POLICIES (" + bad + "): line 2").hasMessageContaining("unknown reach");
        assertThatThrownBy(() -> CoreConfig.from(Map.of("TWIN_AUTH_MODE", "dev", "TWIN_DM_POLICIES",
                dir.resolve("missing.json").toString()))).hasMessageContaining("cannot read");
        Path good = dir.resolve("good.json");
        Files.writeString(good, GOOD);
        assertThat(CoreConfig.from(Map.of("TWIN_AUTH_MODE", "dev", "TWIN_DM_POLICIES", good.toString())).dm()
                .policies().size()).isEqualTo(3);
    }
}
