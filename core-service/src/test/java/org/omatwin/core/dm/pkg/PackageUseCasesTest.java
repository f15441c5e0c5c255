package org.omatwin.core.dm.pkg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.omatwin.core.dm.InMemoryDmStore;
import org.omatwin.core.dm.audit.Transaction;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;

/** Section 8's upload and verification, on the domain with an in-memory store and a real package directory. */
class PackageUseCasesTest {
    private static TestOriginator originator;
    private static TestOriginator stranger;
    private static Path firmware;
    private static byte[] bytes;

    @TempDir
    Path store;
    private InMemoryDmStore db;
    private PackageUseCases packages;

    @BeforeAll
    static void originators(@TempDir Path files) throws IOException {
        originator = TestOriginator.create();
        stranger = TestOriginator.create();
        bytes = new byte[200_000];
        new Random(7).nextBytes(bytes);
        firmware = Files.write(files.resolve("fw.bin"), bytes);
    }

    @BeforeEach
    void setUp() {
        db = new InMemoryDmStore();
        // the real clock: the originator's certificates are valid from the moment bin/package-sign made them
        packages = new PackageUseCases(db, new PackageContent(store, 1_000_000), originator.approved(),
                Clock.systemUTC());
    }

    private JsonNode signed(TestOriginator by) {
        return by.sign(firmware, "W1 firmware", "2.0.0", "firmware", "Acme", "W1", "1.0.0");
    }

    private SignedPackage register(JsonNode body) {
        return packages.register("care", TestOriginator.metadata(body), body.get("signature").asText());
    }

    @Test
    void aGoodPackageVerifiesAndIsKeptUnderItsSha256() {
        SignedPackage p = register(signed(originator));
        assertThat(p.state()).isEqualTo(PackageState.AWAITING_CONTENT);

        SignedPackage verified = packages.upload("care", p.packageId(), new ByteArrayInputStream(bytes));

        assertThat(verified.state()).isEqualTo(PackageState.VERIFIED);
        assertThat(packages.get("care", p.packageId()).state()).isEqualTo(PackageState.VERIFIED);
        assertThat(files()).containsExactly(p.metadata().sha256());
        assertThat(db.transactions()).extracting(Transaction::summary).anySatisfy(s -> assertThat(s).contains("verified"));
    }

    @Test
    void aWrongSizeIsRejectedAndNothingKept() {
        SignedPackage p = register(signed(originator));
        byte[] shorter = java.util.Arrays.copyOf(bytes, bytes.length - 1);
        assertRefused(() -> packages.upload("care", p.packageId(), new ByteArrayInputStream(shorter)), "content");
        assertRejected(p, "bytes");
    }

    @Test
    void aWrongHashIsRejectedAndNothingKept() {
        SignedPackage p = register(signed(originator));
        byte[] other = bytes.clone();
        other[1000] ^= 1;
        assertRefused(() -> packages.upload("care", p.packageId(), new ByteArrayInputStream(other)), "content");
        assertRejected(p, "SHA-256");
    }

    @Test
    void aSignatureOfAnUnapprovedOriginatorIsRejected() {
        SignedPackage p = register(signed(stranger));
        assertRefused(() -> packages.upload("care", p.packageId(), new ByteArrayInputStream(bytes)), "signature");
        assertRejected(p, "approved originator");
    }

    @Test
    void anExpiredSigningCertificateIsRejected() throws IOException {
        TestOriginator expired = TestOriginator.expired();
        packages = new PackageUseCases(db, new PackageContent(store, 1_000_000), expired.approved(),
                Clock.systemUTC());
        SignedPackage p = register(signed(expired));
        assertRefused(() -> packages.upload("care", p.packageId(), new ByteArrayInputStream(bytes)), "signature");
        assertRejected(p, "approved originator");
    }

    @Test
    void aTamperedSignatureIsRejected() {
        JsonNode body = signed(originator);
        String jws = body.get("signature").asText();
        int at = jws.length() - 10;
        String tampered = jws.substring(0, at) + (jws.charAt(at) == 'A' ? 'B' : 'A') + jws.substring(at + 1);
        SignedPackage p = packages.register("care", TestOriginator.metadata(body), tampered);
        assertRefused(() -> packages.upload("care", p.packageId(), new ByteArrayInputStream(bytes)), "signature");
        assertRejected(p, "does not match");
    }

    @Test
    void relabelledMetadataIsRejected() {
        JsonNode body = signed(originator);
        PackageMetadata m = TestOriginator.metadata(body);
        PackageMetadata relabelled = new PackageMetadata(m.name(), m.version(), m.kind(),
                new PackageTargets("Acme", "W2", m.targets().fromVersions()), m.size(), m.sha256());
        SignedPackage p = packages.register("care", relabelled, body.get("signature").asText());
        assertRefused(() -> packages.upload("care", p.packageId(), new ByteArrayInputStream(bytes)), "signature");
        assertRejected(p, "does not match");
    }

    @Test
    void contentOverTheLimitIsRefusedAndThePackageStillAwaitsIt() {
        packages = new PackageUseCases(db, new PackageContent(store, 100_000), originator.approved(), Clock.systemUTC());
        JsonNode body = originator.sign(firmware, "small", "1", "software", null, null);
        PackageMetadata m = TestOriginator.metadata(body);
        // registered as small, sent large
        PackageMetadata claimed = new PackageMetadata(m.name(), m.version(), m.kind(), m.targets(), 50_000, m.sha256());
        SignedPackage p = packages.register("care", claimed, body.get("signature").asText());
        assertThatThrownBy(() -> packages.upload("care", p.packageId(), new ByteArrayInputStream(bytes)))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.error()).isEqualTo(ApiError.TOO_LARGE));
        assertThat(packages.get("care", p.packageId()).state()).isEqualTo(PackageState.AWAITING_CONTENT);
        assertThat(files()).isEmpty();
        // and a size over the limit is refused at registration
        assertThatThrownBy(() -> packages.register("care", m, body.get("signature").asText()))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.variables()).contains("size"));
    }

    @Test
    void anInterruptedUploadLeavesNothingAndCanBeRetried() {
        SignedPackage p = register(signed(originator));
        InputStream breaking = new InputStream() {
            int sent;

            @Override
            public int read() throws IOException {
                if (sent++ > 100_000) {
                    throw new IOException("connection reset");
                }
                return 1;
            }
        };
        assertRefused(() -> packages.upload("care", p.packageId(), breaking), "content");
        assertThat(packages.get("care", p.packageId()).state()).isEqualTo(PackageState.AWAITING_CONTENT);
        assertThat(files()).isEmpty();

        assertThat(packages.upload("care", p.packageId(), new ByteArrayInputStream(bytes)).state())
                .isEqualTo(PackageState.VERIFIED);
    }

    @Test
    void aPackageIsVisibleOnlyToItsClient() {
        SignedPackage p = register(signed(originator));
        for (Runnable other : List.<Runnable>of(() -> packages.get("other", p.packageId()),
                () -> packages.upload("other", p.packageId(), new ByteArrayInputStream(bytes)),
                () -> packages.delete("other", p.packageId()),
                () -> packages.installations("other", p.packageId()))) {
            assertThatThrownBy(other::run).isInstanceOfSatisfying(ApiException.class,
                    e -> assertThat(e.error()).isEqualTo(ApiError.NOT_FOUND));
        }
        assertThat(packages.list("other", null, 10)).isEmpty();
        assertThat(packages.list("care", null, 10)).extracting(SignedPackage::packageId).containsExactly(p.packageId());
    }

    @Test
    void aSecondUploadAndAMalformedSignatureAreRefused() {
        SignedPackage p = register(signed(originator));
        packages.upload("care", p.packageId(), new ByteArrayInputStream(bytes));
        assertThatThrownBy(() -> packages.upload("care", p.packageId(), new ByteArrayInputStream(bytes)))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.error()).isEqualTo(ApiError.CONFLICT));
        assertThatThrownBy(() -> packages.register("care", p.metadata(), "not-a-jws"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.variables()).contains("signature"));
    }

    @Test
    void deletingTheOnlyPackageOfAContentRemovesTheContent() {
        SignedPackage p = register(signed(originator));
        packages.upload("care", p.packageId(), new ByteArrayInputStream(bytes));
        SignedPackage twin = register(signed(originator));
        packages.upload("care", twin.packageId(), new ByteArrayInputStream(bytes));

        packages.delete("care", p.packageId());
        assertThat(files()).containsExactly(p.metadata().sha256());
        packages.delete("care", twin.packageId());
        assertThat(files()).isEmpty();
    }

    @Test
    void theCanonicalPayloadIsRfc8785() {
        PackageMetadata m = new PackageMetadata("n\"\\\u0001é", "1", PackageKind.SOFTWARE,
                new PackageTargets(null, "M", List.of("1", "2")), 5, "AB".repeat(32));
        assertThat(m.canonicalJson()).isEqualTo("{\"kind\":\"software\",\"name\":\"n\\\"\\\\\\u0001é\",\"sha256\":\""
                + "ab".repeat(32) + "\",\"size\":5,\"targets\":{\"fromVersions\":[\"1\",\"2\"],\"mod\":\"M\"},"
                + "\"version\":\"1\"}");
    }

    private void assertRejected(SignedPackage p, String reason) {
        SignedPackage after = packages.get("care", p.packageId());
        assertThat(after.state()).isEqualTo(PackageState.REJECTED);
        assertThat(after.rejectReason()).contains(reason);
        assertThat(files()).isEmpty();
    }

    private static void assertRefused(Runnable call, String variable) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.error()).isEqualTo(ApiError.INVALID_INPUT);
            assertThat(e.variables()).contains(variable);
        });
    }

    /** Every file of the package store (temporary ones included), by name. */
    private List<String> files() {
        try (Stream<Path> all = Files.walk(store)) {
            return all.filter(Files::isRegularFile).map(f -> f.getFileName().toString()).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
