package org.omatwin.portal;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The portal's layout: its packages form no cycle (a view links to another by route, not by class,
 * when the other links back), and only the core package talks gRPC to the core service.
 */
class ArchitectureTest {
    private static final JavaClasses PORTAL = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.omatwin.portal");

    @Test
    void packagesFormNoCycle() {
        slices().matching("org.omatwin.portal.(*)..").should().beFreeOfCycles().check(PORTAL);
    }

    @Test
    void onlyTheCorePackageCallsTheCoreService() {
        noClasses().that().resideOutsideOfPackage("org.omatwin.portal.core..")
                .should().dependOnClassesThat().resideInAPackage("io.grpc..")
                .check(PORTAL);
    }
}
