package org.omatwin.core;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layout is the architecture (ARCHITECTURE.md): shared infrastructure under {@code infra}, each API
 * family ({@code twinning}, next {@code dm}) on top of it, wiring only in this root package. These rules
 * fail the build when an import breaks that.
 */
class ArchitectureTest {
    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        // the jOOQ classes generated from the Flyway scripts are not ours to arrange
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("/org/omatwin/core/store/schema/"))
                .importPackages("org.omatwin.core");
    }

    @Test
    void noPackageCycles() {
        slices().matching("org.omatwin.core.(**)").should().beFreeOfCycles().check(main);
    }

    @Test
    void infrastructureNeverImportsAnApiFamily() {
        noClasses().that().resideInAPackage("org.omatwin.core.infra..")
                .should().dependOnClassesThat().resideInAnyPackage("org.omatwin.core.twinning..",
                        "org.omatwin.core.dm..")
                .check(main);
    }

    @Test
    void infrastructureUsesNoContractTypeButTheSharedErrorEnvelopeAndAccessOption() {
        noClasses().that().resideInAPackage("org.omatwin.core.infra..")
                .should().dependOnClassesThat(resideInAPackage("org.omatwin.proto..")
                        .and(not(resideInAPackage("org.omatwin.proto.edge..")))
                        .and(not(nameMatching("org\\.omatwin\\.proto\\.twinning\\.v1\\."
                                + "(RequestError|RequestErrorEnvelope|ExceptionDetail)(\\$.*)?"))))
                .check(main);
    }

    @Test
    void onlyTheRootPackageWires() {
        noClasses().that().resideOutsideOfPackage("org.omatwin.core")
                .should().dependOnClassesThat().resideInAPackage("org.omatwin.core")
                .check(main);
    }

    @Test
    void twinningDomainHasNoTransportNorSqlTypes() {
        noClasses().that().resideInAnyPackage("org.omatwin.core.twinning", "org.omatwin.core.twinning.activation",
                "org.omatwin.core.twinning.subscription")
                .should().dependOnClassesThat().resideInAnyPackage("io.grpc..", "org.jooq..", "com.linecorp..",
                        "java.net.http..", "org.omatwin.proto..", "org.omatwin.core.store.schema..")
                .check(main);
    }

    @Test
    void deviceManagementDomainHasNoTransportNorSqlTypes() {
        noClasses().that().resideInAnyPackage("org.omatwin.core.dm", "org.omatwin.core.dm.common",
                "org.omatwin.core.dm.device", "org.omatwin.core.dm.command", "org.omatwin.core.dm.data",
                "org.omatwin.core.dm.operation", "org.omatwin.core.dm.session", "org.omatwin.core.dm.alert",
                "org.omatwin.core.dm.dmwsi", "org.omatwin.core.dm.network", "org.omatwin.core.dm.account",
                "org.omatwin.core.dm.delegation")
                .should().dependOnClassesThat().resideInAnyPackage("io.grpc..", "org.jooq..", "com.linecorp..",
                        "java.net.http..", "org.omatwin.proto..", "org.omatwin.core.store.schema..")
                .check(main);
    }

    @Test
    void sharedSubscriberDataKnowsNoFamily() {
        noClasses().that().resideInAPackage("org.omatwin.core.subscriber..")
                .should().dependOnClassesThat().resideInAnyPackage("org.omatwin.core.twinning..",
                        "org.omatwin.core.dm..")
                .check(main);
    }

    @Test
    void theFamiliesDoNotKnowEachOther() {
        noClasses().that().resideInAPackage("org.omatwin.core.dm..")
                .should().dependOnClassesThat().resideInAPackage("org.omatwin.core.twinning..").check(main);
        noClasses().that().resideInAPackage("org.omatwin.core.twinning..")
                .should().dependOnClassesThat().resideInAPackage("org.omatwin.core.dm..").check(main);
    }
}
