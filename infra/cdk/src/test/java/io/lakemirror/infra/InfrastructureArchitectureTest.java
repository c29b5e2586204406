package io.lakemirror.infra;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** What the CDK app may import; the service's modules have theirs in it/ (ArchitectureTest). */
@AnalyzeClasses(packages = "io.lakemirror.infra", importOptions = ImportOption.DoNotIncludeTests.class)
class InfrastructureArchitectureTest {

    @ArchTest
    static final ArchRule infrastructureReadsTheCoreOnly = classes()
            .that().resideInAPackage("io.lakemirror.infra..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "io.lakemirror.infra..",
                    "io.lakemirror.domain..", "io.lakemirror.config..", "io.lakemirror.metrics..",
                    "io.lakemirror.queue..", "io.lakemirror.store..", "software.amazon.awscdk..",
                    "software.constructs..", "software.amazon.jsii..", "com.fasterxml.jackson..")
            .because("the CDK app shares names and settings with the service through the core's declarations"
                    + " (configuration keys, metric names, queue settings, the change feed's application name),"
                    + " not by loading the service's adapters");
}
