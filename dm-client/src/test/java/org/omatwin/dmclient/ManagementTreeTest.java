package org.omatwin.dmclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.omatwin.dmclient.ManagementTree.Format;
import org.omatwin.dmclient.ManagementTree.Origin;
import org.omatwin.dmclient.ManagementTree.TreeException;

class ManagementTreeTest {

    private final ManagementTree tree = ManagementTree.inMemory(DeviceProfile.defaults("urn:imei:356938035643809"));

    @Test
    void newDeviceHasDevInfoDevDetailAndTheManagementObjects() {
        assertThat(tree.devId()).isEqualTo("urn:imei:356938035643809");
        assertThat(tree.value("./DevInfo/DmV")).contains("2.0");
        assertThat(tree.value("./DevDetail/FwV")).contains("1.0.0");
        assertThat(tree.get("./FUMO/1/State")).contains(new ManagementTree.Node(Format.INT, "10"));
        assertThat(tree.get("./FUMO/1/DownloadAndUpdate").orElseThrow().interior()).isTrue();
        assertThat(tree.exists("./SCOMO/Inventory/Deployed/1/Operations/Remove")).isTrue();
        assertThat(tree.exists("./DiagMon/1/Operations/Start")).isTrue();
        assertThat(tree.children("./DevInfo")).containsExactly("DevId", "DmV", "Lang", "Man", "Mod");
        Wire.SessionStart start = tree.sessionStart();
        assertThat(start.devInfo().devId()).isEqualTo("urn:imei:356938035643809");
        assertThat(start.devDetail().fwV()).isEqualTo("1.0.0");
        assertThat(start.supportedMOs()).contains("urn:oma:mo:oma-fumo:1.0");
    }

    @Test
    void getOfASubtreeReturnsItsLeavesWithTypedValues() {
        List<Wire.Result> results = tree.read("./FUMO/1");
        assertThat(results).extracting(Wire.Result::uri).containsExactly("./FUMO/1/PkgURL", "./FUMO/1/State");
        assertThat(results.get(1).format()).isEqualTo("int");
        assertThat(results.get(1).value().isNumber()).isTrue();
        assertThat(tree.read("./DevDetail/FwV")).singleElement()
                .satisfies(r -> assertThat(r.value().asText()).isEqualTo("1.0.0"));
        assertThat(tree.read("./FUMO/1/Update")).singleElement()
                .satisfies(r -> assertThat(r.format()).isEqualTo("node"));
        // a sibling sharing the prefix is not part of the subtree
        tree.setText("./DevInfoX/A", "x", Origin.SERVER);
        assertThat(tree.read("./DevInfo")).extracting(Wire.Result::uri).allMatch(u -> u.startsWith("./DevInfo/"));
    }

    @Test
    void addCreatesAncestorsReplaceAndDeleteSubtrees() {
        tree.set("./Settings/APN/1/Port", Format.INT, "8080", Origin.SERVER);
        assertThat(tree.get("./Settings/APN").orElseThrow().interior()).isTrue();
        tree.set("./Settings/APN/1/Port", Format.INT, "9090", Origin.SERVER);
        assertThat(tree.value("./Settings/APN/1/Port")).contains("9090");
        assertThat(tree.delete("./Settings", Origin.SERVER)).isTrue();
        assertThat(tree.exists("./Settings/APN/1/Port")).isFalse();
        assertThat(tree.delete("./Settings", Origin.SERVER)).isFalse();
        assertThatThrownBy(() -> tree.read("./Settings"))
                .isInstanceOf(TreeException.class).extracting("statusCode").isEqualTo(404);
    }

    @Test
    void refusesBadUrisValuesAndLeavesWithChildren() {
        assertThatThrownBy(() -> tree.setText("DevInfo/X", "v", Origin.SERVER)).extracting("statusCode").isEqualTo(400);
        assertThatThrownBy(() -> tree.setText("./a/../b", "v", Origin.SERVER)).extracting("statusCode").isEqualTo(400);
        assertThatThrownBy(() -> tree.setText("./a//b", "v", Origin.SERVER)).extracting("statusCode").isEqualTo(400);
        assertThatThrownBy(() -> tree.set("./n", Format.INT, "x1", Origin.SERVER)).extracting("statusCode").isEqualTo(400);
        assertThatThrownBy(() -> tree.set("./n", Format.BOOL, "yes", Origin.SERVER)).extracting("statusCode").isEqualTo(400);
        assertThatThrownBy(() -> tree.setText("./DevInfo/DevId/Sub", "v", Origin.SERVER)).extracting("statusCode").isEqualTo(405);
        assertThatThrownBy(() -> tree.setText("./DevInfo", "v", Origin.SERVER)).extracting("statusCode").isEqualTo(405);
        assertThatThrownBy(() -> tree.delete(".", Origin.SERVER)).extracting("statusCode").isEqualTo(405);
        assertThat(ManagementTree.normalize("./DevInfo/")).isEqualTo("./DevInfo");
    }

    @Test
    void listenersSeeEveryChangeWithItsOrigin() {
        List<String> seen = new ArrayList<>();
        tree.addListener((uri, node, origin) -> seen.add(origin + " " + uri + "=" + (node == null ? "deleted" : node.value())));
        tree.setText("./DevDetail/FwV", "2.0.0", Origin.DEVICE);
        tree.setText("./DevDetail/FwV", "2.0.0", Origin.DEVICE); // unchanged: no event
        tree.delete("./DevDetail/FwV", Origin.SERVER);
        assertThat(seen).containsExactly("DEVICE ./DevDetail/FwV=2.0.0", "SERVER ./DevDetail/FwV=deleted");
    }

    @Test
    void subscriptionsCoverTheirSubtree() {
        tree.subscribe("./DevDetail");
        assertThat(tree.subscriptionCovering("./DevDetail/FwV")).contains("./DevDetail");
        assertThat(tree.subscriptionCovering("./DevDetailX")).isEmpty();
        tree.unsubscribe("./DevDetail");
        assertThat(tree.subscriptionCovering("./DevDetail/FwV")).isEmpty();
    }

    @Test
    void persistsAtomicallyAndReloads(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("state/tree.json");
        ManagementTree saved = ManagementTree.openOrCreate(file, DeviceProfile.defaults("urn:uuid:0b7c3c9e-1f5a-4d7e-9a49-0f7b2f0c1a11"));
        saved.set("./Vendor/Blob", Format.B64, "AAEC", Origin.SERVER);
        saved.set("./Vendor/On", Format.BOOL, "true", Origin.SERVER);
        saved.subscribe("./DevDetail/FwV");
        saved.save();
        assertThat(Files.list(file.getParent())).containsExactly(file); // no temp file left behind

        ManagementTree loaded = ManagementTree.openOrCreate(file, DeviceProfile.defaults("urn:uuid:other"));
        assertThat(loaded.devId()).isEqualTo("urn:uuid:0b7c3c9e-1f5a-4d7e-9a49-0f7b2f0c1a11");
        assertThat(loaded.get("./Vendor/Blob")).contains(new ManagementTree.Node(Format.B64, "AAEC"));
        assertThat(loaded.get("./Vendor/Blob").orElseThrow().bytes()).containsExactly(0, 1, 2);
        assertThat(loaded.read("./Vendor/On")).singleElement().satisfies(r -> assertThat(r.value().booleanValue()).isTrue());
        assertThat(loaded.subscriptions()).containsExactly("./DevDetail/FwV");
        assertThat(loaded.read(".")).hasSize(saved.read(".").size());
    }
}
