package io.lakemirror.it;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Keeps outside technologies at the edges: domain code sees ports, adapters sit next to their
 * technology, and no worker module depends on another.
 */
@AnalyzeClasses(packages = "io.lakemirror",
        importOptions = {ImportOption.DoNotIncludeTests.class, ArchitectureTest.DoNotIncludeTestJars.class})
class ArchitectureTest {

    /** Test classes reach this module through test-jars too (shared contract tests); they are not production code. */
    static final class DoNotIncludeTestJars implements ImportOption {
        @Override
        public boolean includes(com.tngtech.archunit.core.importer.Location location) {
            return !location.contains("-tests.jar");
        }
    }

    @ArchTest
    static final ArchRule awsSdkOnlyInAwsAdapters = noClasses()
            .that().resideOutsideOfPackages("io.lakemirror.aws..", "io.lakemirror.testkit..",
                    "io.lakemirror.testserver..")
            .should().dependOnClassesThat().resideInAnyPackage("software.amazon.awssdk..",
                    "software.amazon.kinesis..", "com.amazonaws..")
            .because("AWS SDK and KCL types belong in adapters under io.lakemirror.aws: define or extend a port in"
                    + " common (io.lakemirror.<area>) and implement it in io.lakemirror.aws.<service>");

    @ArchTest
    static final ArchRule vertxOnlyAtTheHttpEdge = noClasses()
            .that().resideOutsideOfPackages("io.lakemirror.api.http..", "io.lakemirror.testserver..",
                    "io.lakemirror.testkit..")
            .should().dependOnClassesThat().resideInAnyPackage("io.vertx..")
            .because("Vert.x belongs to the HTTP layer: move routing and handlers into io.lakemirror.api.http and"
                    + " keep decisions (validation, RBAC, status) in plain classes it calls");

    @ArchTest
    static final ArchRule lakeFsSdkOnlyInItsAdapter = noClasses()
            .that().resideOutsideOfPackages("io.lakemirror.lakefs.sdk..")
            .should().dependOnClassesThat().resideInAnyPackage("io.lakefs..")
            .because("the lakeFS SDK is an adapter detail: call the io.lakemirror.lakefs.LakeFs port and add the"
                    + " operation to SdkLakeFs if it is missing");

    @ArchTest
    static final ArchRule workersAreIndependent = slices()
            .matching("io.lakemirror.(sensor|validator|promoter|api)..")
            .should().notDependOnEachOther()
            .allowEmptyShould(true)
            .because("each worker runs alone in production: share code through common, never by importing"
                    + " another worker");

    @ArchTest
    static final ArchRule commonDependsOnNoWorker = noClasses()
            .that().resideInAnyPackage("io.lakemirror.domain..", "io.lakemirror.config..",
                    "io.lakemirror.graveler..", "io.lakemirror.lakefs..", "io.lakemirror.aws..",
                    "io.lakemirror.store..", "io.lakemirror.queue..", "io.lakemirror.blockstore..",
                    "io.lakemirror.messages..", "io.lakemirror.runtime..", "io.lakemirror.logging..")
            .should().dependOnClassesThat().resideInAnyPackage("io.lakemirror.sensor..",
                    "io.lakemirror.validator..", "io.lakemirror.promoter..", "io.lakemirror.api..",
                    "io.lakemirror.launcher..", "io.lakemirror.testkit..", "io.lakemirror.testserver..")
            .because("common is the bottom layer: move shared code down into common instead of reaching up");

    @ArchTest
    static final ArchRule productionCodeNeverUsesTheTestKit = noClasses()
            .that().resideInAnyPackage("io.lakemirror.sensor..", "io.lakemirror.validator..",
                    "io.lakemirror.promoter..", "io.lakemirror.api..")
            .should().dependOnClassesThat().resideInAnyPackage("io.lakemirror.testkit..", "io.lakemirror.testserver..")
            .allowEmptyShould(true)
            .because("test servers and simulators never ship in a worker: only the launcher's sandbox command and"
                    + " tests may use them");
}
