package org.omatwin.core.dm.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.omatwin.core.dm.command.Command;
import org.omatwin.core.dm.command.CommandOp;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.device.Reach;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;

/** Node rules and the permission mapping of dm-api.md section 6, and pseudonyms, as plain Java. */
class ClientPolicyTest {
    private static final DevId WATCH = DevId.of("urn:imei:356938035643809");

    private static ClientPolicy policy(boolean pseudonyms, NodeRule... rules) {
        return new ClientPolicy("c", Reach.ALL, List.of(rules), pseudonyms, 10, 20);
    }

    private static NodeRule rule(String path, Permission... allow) {
        return new NodeRule(NodePattern.parse(path), allow.length == 0 ? Set.of() : EnumSet.of(allow[0], allow));
    }

    private static Command command(CommandOp op, String uri) {
        return Command.queued("c-1", WATCH, "op-1", 0, op, uri, null, null, null, null);
    }

    @Test
    void eachCommandNeedsItsPermissionOnTheNode() {
        ClientPolicy everything = policy(false, rule("./Browser/Favorites/*", Permission.values()));
        ClientPolicy nothing = policy(false, rule("./Browser/Favorites/*"));
        for (CommandOp op : CommandOp.values()) {
            if (op == CommandOp.END) {
                continue;
            }
            List<Command> one = List.of(command(op, "./Browser/Favorites/3/URL"));
            everything.checkCommands(one);
            assertThatThrownBy(() -> nothing.checkCommands(one)).as(op.name())
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.error()).isEqualTo(ApiError.NOT_PERMITTED);
                        assertThat(e.variables()).containsExactly("./Browser/Favorites/3/URL");
                    });
        }
    }

    @Test
    void readCoversGetHputHpostSubAndUnsubOnly() {
        ClientPolicy reader = policy(false, rule("./DevDetail", Permission.READ));
        for (CommandOp op : List.of(CommandOp.GET, CommandOp.HPUT, CommandOp.HPOST, CommandOp.SUB, CommandOp.UNSUB)) {
            reader.checkCommands(List.of(command(op, "./DevDetail/FwV")));
        }
        for (CommandOp op : List.of(CommandOp.HGET, CommandOp.DELETE, CommandOp.EXEC, CommandOp.SHOW)) {
            assertThatThrownBy(() -> reader.checkCommands(List.of(command(op, "./DevDetail/FwV")))).as(op.name())
                    .isInstanceOf(ApiException.class);
        }
    }

    @Test
    void aClientThatMaySetFavoritesButNotReadThemReadsNothingThere() {
        ClientPolicy setter = policy(false, rule("./Browser/Favorites/*", Permission.WRITE));
        setter.checkCommands(List.of(command(CommandOp.HGET, "./Browser/Favorites/1/URL")));
        for (CommandOp read : List.of(CommandOp.GET, CommandOp.HPUT, CommandOp.HPOST, CommandOp.SUB)) {
            for (String uri : List.of("./Browser/Favorites/1", "./Browser/Favorites/1/URL", "./Browser/Favorites",
                    "./Browser", "./")) {
                assertThat(setter.allows(Permission.of(read), uri)).as("%s %s", read, uri).isFalse();
            }
        }
    }

    @Test
    void readingAnInteriorNodeNeedsARuleOverTheNodeItselfNotOneOfItsChildren() {
        ClientPolicy leaves = policy(false, rule("./DevInfo/Man", Permission.READ), rule("./DevInfo/Mod", Permission.READ));
        assertThat(leaves.allows(Permission.READ, "./DevInfo/Man")).isTrue();
        assertThat(leaves.allows(Permission.READ, "./DevInfo")).as("would also read DevId, DmV, Lang").isFalse();
        assertThat(leaves.allows(Permission.READ, "./")).isFalse();
        ClientPolicy subtree = policy(false, rule("./DevInfo", Permission.READ));
        assertThat(subtree.allows(Permission.READ, "./DevInfo")).isTrue();
        assertThat(subtree.allows(Permission.READ, "./DevInfo/")).isTrue();
        assertThat(subtree.allows(Permission.READ, "./DevInfo/Ext/Anything")).isTrue();
        assertThat(subtree.allows(Permission.READ, "./DevInfoX")).isFalse();
    }

    @Test
    void aStarIsOneSegment() {
        ClientPolicy p = policy(false, rule("./SCOMO/Inventory/*/Name", Permission.READ));
        assertThat(p.allows(Permission.READ, "./SCOMO/Inventory/app-1/Name")).isTrue();
        assertThat(p.allows(Permission.READ, "./SCOMO/Inventory/app-1/Version")).isFalse();
        assertThat(p.allows(Permission.READ, "./SCOMO/Inventory/app-1")).isFalse();
    }

    @Test
    void aPseudonymousClientNeverReadsIdentifyingNodesNorAnythingAboveThem() {
        ClientPolicy pseudonymous = policy(true, rule("./", Permission.READ));
        assertThat(pseudonymous.allows(Permission.READ, "./DevInfo/DevId")).isFalse();
        assertThat(pseudonymous.allows(Permission.READ, "./DevInfo")).isFalse();
        assertThat(pseudonymous.allows(Permission.READ, "./")).isFalse();
        assertThat(pseudonymous.allows(Permission.READ, "./DevInfo/Man")).isTrue();
        assertThat(pseudonymous.allows(Permission.READ, "./DevDetail/FwV")).isTrue();
        assertThat(policy(false, rule("./", Permission.READ)).allows(Permission.READ, "./DevInfo/DevId")).isTrue();
    }

    @Test
    void showWithoutANodeNeedsTheShowPermissionSomewhere() {
        assertThat(policy(false, rule("./UI", Permission.SHOW)).allows(Permission.SHOW, null)).isTrue();
        assertThat(policy(false, rule("./", Permission.READ)).allows(Permission.SHOW, null)).isFalse();
    }

    @Test
    void pseudonymsDifferPerClientAndKindAndAreStable() {
        Pseudonyms p = new Pseudonyms(new byte[32]);
        var a = p.of("a", Pseudonyms.Kind.DEVICE, WATCH.value());
        assertThat(a.pid()).startsWith("pid:").doesNotContain("356938035643809");
        assertThat(p.of("a", Pseudonyms.Kind.DEVICE, WATCH.value())).isEqualTo(a);
        assertThat(p.of("b", Pseudonyms.Kind.DEVICE, WATCH.value()).pid()).isNotEqualTo(a.pid());
        assertThat(p.of("a", Pseudonyms.Kind.LINE, WATCH.value()).pid()).isNotEqualTo(a.pid());
        byte[] other = new byte[32];
        other[0] = 1;
        assertThat(new Pseudonyms(other).of("a", Pseudonyms.Kind.DEVICE, WATCH.value()).pid()).isNotEqualTo(a.pid());
        assertThatThrownBy(() -> new Pseudonyms(new byte[16])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyOtherClientIsCoveredOnlyByAStarEntry() {
        ClientPolicy star = new ClientPolicy("*", Reach.ALL, List.of(), false, 1, 1);
        assertThat(new Policies(java.util.Map.of()).forClient("x")).isEmpty();
        assertThat(new Policies(java.util.Map.of("*", star)).forClient("x")).get()
                .extracting(ClientPolicy::clientId).isEqualTo("x");
    }

}
