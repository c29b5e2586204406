package io.lakemirror.it;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.util.Arrays;
import java.util.stream.Stream;

/**
 * What each module may import (docs/design/modules.md). The core holds the domain and its ports;
 * each adapter module sits on the core and its own technology; workers see ports only; the
 * production runnable composes them all and carries no test server. The CDK app's rule is in
 * infra/cdk ({@code InfrastructureArchitectureTest}).
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

    // --- the packages of each module

    /** common/core: typed IDs, errors, configuration, ports, messages, lakeFS policies. */
    private static final String[] CORE = {"io.lakemirror.domain..", "io.lakemirror.identity..",
        "io.lakemirror.config..", "io.lakemirror.logging..", "io.lakemirror.store..", "io.lakemirror.queue..",
        "io.lakemirror.blockstore..", "io.lakemirror.lakefs", "io.lakemirror.lakefs.policy..",
        "io.lakemirror.messages..", "io.lakemirror.runtime..", "io.lakemirror.metrics..", "io.lakemirror.auth.."};
    private static final String GRAVELER = "io.lakemirror.graveler..";
    private static final String AWS = "io.lakemirror.aws..";
    private static final String LAKEFS_ADAPTER = "io.lakemirror.lakefs.sdk..";
    private static final String POSTGRES = "io.lakemirror.postgres..";
    private static final String LAKEFS_AUTH = "io.lakemirror.lakefs.auth..";
    private static final String[] TEST_MODULES = {"io.lakemirror.sandbox..", "io.lakemirror.testkit..",
        "io.lakemirror.testserver.."};

    /** What every module may use: the JDK and the logging API. */
    private static final String[] ANYONE = {"java..", "javax.annotation..", "org.slf4j.."};

    private static String[] allowed(Object... groups) {
        return Stream.concat(Arrays.stream(ANYONE), Arrays.stream(packages(groups))).toArray(String[]::new);
    }

    private static String[] packages(Object... groups) {
        return Arrays.stream(groups).flatMap(g -> g instanceof String[] many ? Arrays.stream(many) : Stream.of((String) g))
                .toArray(String[]::new);
    }

    // --- one rule per module

    @ArchTest
    static final ArchRule coreNamesNoOtherModuleAndNoOutsideSystem = classes()
            .that().resideInAnyPackage(CORE)
            .should().onlyDependOnClassesThat().resideInAnyPackage(allowed(CORE, "com.fasterxml.jackson..",
                    "ch.qos.logback.."))
            .because("every module builds on the core: a port or domain type that named AWS, Vert.x, the lakeFS SDK"
                    + " or a worker would drag that into every worker; define the port here and implement it in an"
                    + " adapter module");

    @ArchTest
    static final ArchRule gravelerIsALibraryOfTheFileFormatOnly = classes()
            .that().resideInAPackage(GRAVELER)
            .should().onlyDependOnClassesThat().resideInAnyPackage(allowed(CORE, GRAVELER, "com.google.protobuf..",
                    "org.xerial.snappy..", "com.fasterxml.jackson.."))
            .because("the graveler codec reads and writes lakeFS's files from any ByteSource: where the bytes come"
                    + " from (S3, a file) is the caller's business, so it knows no adapter and no worker");

    @ArchTest
    static final ArchRule awsAdaptersSitOnThePortsAndTheAwsSdkOnly = classes()
            .that().resideInAPackage(AWS)
            .should().onlyDependOnClassesThat().resideInAnyPackage(allowed(CORE, GRAVELER, AWS, "software.amazon..",
                    "com.amazonaws..", "io.micrometer..", "com.fasterxml.jackson..", "io.reactivex.."))
            .because("an adapter implements ports of the core with its technology; reaching into a worker or the"
                    + " launcher would make the adapter decide what only the worker may decide");

    @ArchTest
    static final ArchRule postgresAdaptersSitOnThePortsAndTheirJdbcStackOnly = classes()
            .that().resideInAPackage(POSTGRES)
            .should().onlyDependOnClassesThat().resideInAnyPackage(allowed(CORE, POSTGRES, "java.sql..", "javax.sql..",
                    "org.postgresql..", "com.zaxxer.hikari..", "io.github.resilience4j..", "com.fasterxml.jackson.."))
            .because("the PostgreSQL adapters implement the store ports with JDBC (pgjdbc, HikariCP) and nothing"
                    + " else: no AWS, no worker, no launcher; a worker never sees SQL");

    @ArchTest
    static final ArchRule lakeFsAdapterSitsOnThePortAndTheLakeFsSdkOnly = classes()
            .that().resideInAPackage(LAKEFS_ADAPTER)
            .should().onlyDependOnClassesThat().resideInAnyPackage(allowed(CORE, LAKEFS_ADAPTER, "io.lakefs..",
                    "okhttp3..", "okio..", "com.google.gson..", "io.github.resilience4j..", "com.fasterxml.jackson.."))
            .because("the lakeFS SDK is an adapter detail behind io.lakemirror.lakefs.LakeFs: add a missing operation"
                    + " to the port and to SdkLakeFs, never call the SDK from elsewhere");

    @ArchTest
    static final ArchRule lakeFsAuthAdaptersSitOnThePortsAndTheirCryptoOnly = classes()
            .that().resideInAPackage(LAKEFS_AUTH)
            .should().onlyDependOnClassesThat().resideInAnyPackage(allowed(CORE, LAKEFS_AUTH, "com.google.protobuf..",
                    "org.bouncycastle..", "com.nimbusds..", "com.fasterxml.jackson.."))
            .because("lakeFS's auth internals (its KV records, secret encryption and auth-service JWT) stay behind the"
                    + " CallerDirectory and LakeFsKv ports: the databases that hold the KV are adapters of their own"
                    + " (common/aws, common/postgres), and the API sees the port only");

    @ArchTest
    static final ArchRule sensorSeesPortsOnly = classes()
            .that().resideInAPackage("io.lakemirror.sensor..")
            .should().onlyDependOnClassesThat().resideInAnyPackage(allowed(CORE, "io.lakemirror.sensor..",
                    "io.micrometer.core.."))
            .because("a worker runs on whatever adapters the launcher gives it (DynamoDB or PostgreSQL, a fake in"
                    + " tests): it imports ports of the core, never an adapter module or another worker");

    @ArchTest
    static final ArchRule validatorSeesPortsAndTheCodecOnly = classes()
            .that().resideInAPackage("io.lakemirror.validator..")
            .should().onlyDependOnClassesThat().resideInAnyPackage(allowed(CORE, GRAVELER, "io.lakemirror.validator..",
                    "io.micrometer.core..", "com.github.benmanes.caffeine..", "com.fasterxml.jackson.."))
            .because("a worker runs on whatever adapters the launcher gives it: the validator reads metaranges with"
                    + " the graveler codec through the BlockStore port, never through S3 itself");

    @ArchTest
    static final ArchRule promoterSeesPortsOnly = classes()
            .that().resideInAPackage("io.lakemirror.promoter..")
            .should().onlyDependOnClassesThat().resideInAnyPackage(allowed(CORE, "io.lakemirror.promoter..",
                    "io.micrometer.core.."))
            .because("a worker runs on whatever adapters the launcher gives it: the promoter reacts to the ChangeFeed"
                    + " port, not to KCL or a database");

    @ArchTest
    static final ArchRule auditSeesPortsAndTheCodecOnly = classes()
            .that().resideInAPackage("io.lakemirror.audit..")
            .should().onlyDependOnClassesThat().resideInAnyPackage(allowed(CORE, GRAVELER, "io.lakemirror.audit..",
                    "com.fasterxml.jackson.."))
            .because("the integrity audit judges a mirror through the ports (LakeFs, BlockStore, a read-only"
                    + " MirrorsReader) and the graveler codec, as the validator reads it: whoever runs it (the launcher's"
                    + " command, the API) chooses the adapters, and it never writes");

    @ArchTest
    static final ArchRule auditNeverWrites = noClasses()
            .that().resideInAPackage("io.lakemirror.audit..")
            .should().dependOnClassesThat(com.tngtech.archunit.core.domain.JavaClass.Predicates
                    .resideInAPackage("io.lakemirror.store..")
                    .and(com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleNameEndingWith("Writer")
                            .or(com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleName("MirrorsDatabase"))))
            .because("an audit reads the mirror, its source and the mirrors database; it must never repair or write"
                    + " what it judges");

    @ArchTest
    static final ArchRule apiSeesPortsAndVertxOnly = classes()
            .that().resideInAPackage("io.lakemirror.api..")
            .should().onlyDependOnClassesThat().resideInAnyPackage(allowed(CORE, "io.lakemirror.api..",
                    "io.lakemirror.audit..", "io.vertx..", "io.netty.handler.codec.http..", "io.micrometer..",
                    "com.github.benmanes.caffeine..", "com.fasterxml.jackson.."))
            .because("the API decides with ports of the core (lakeFS, mirrors database) and speaks HTTP with Vert.x;"
                    + " the adapters behind the ports are the launcher's choice");

    @ArchTest
    static final ArchRule vertxStaysInTheHttpLayerOfTheApi = noClasses()
            .that().resideInAPackage("io.lakemirror.api..").and().resideOutsideOfPackage("io.lakemirror.api.http..")
            .should().dependOnClassesThat().resideInAnyPackage("io.vertx..")
            .because("Vert.x belongs to the HTTP layer: keep decisions (validation, RBAC, status) in plain classes"
                    + " that io.lakemirror.api.http calls");

    @ArchTest
    static final ArchRule workersHoldOnlyTheWriterOfTheirOwnItems = noClasses()
            .that().resideInAnyPackage("io.lakemirror.sensor..", "io.lakemirror.validator..", "io.lakemirror.promoter..",
                    "io.lakemirror.api..")
            .should().dependOnClassesThat().haveFullyQualifiedName("io.lakemirror.store.MirrorsDatabase")
            .because("global tables resolve concurrent writes by last-writer-wins, so every item has one writer"
                    + " (docs/architecture.md §4): a worker takes its role interface (SensorStateWriter,"
                    + " ValidatedStateWriter, PromotedStateWriter, MirrorStatusWriter, MirrorSpecWriter) or"
                    + " MirrorsReader, never the whole database");

    @ArchTest
    static final ArchRule productionRunnableCarriesNoTestServer = noClasses()
            .that().resideInAPackage("io.lakemirror.launcher..")
            .should().dependOnClassesThat().resideInAnyPackage(TEST_MODULES)
            .because("every Fargate task and container runs the launcher's jar: a test server or simulator in it is"
                    + " dead weight and a finding in every security scan; the sandbox module adds those");

    @ArchTest
    static final ArchRule noProductionModuleUsesTheTestModules = noClasses()
            .that().resideInAnyPackage(packages(CORE, GRAVELER, AWS, LAKEFS_ADAPTER, LAKEFS_AUTH, "io.lakemirror.sensor..",
                    "io.lakemirror.validator..", "io.lakemirror.promoter..", "io.lakemirror.audit..", "io.lakemirror.api..",
                    "io.lakemirror.launcher.."))
            .should().dependOnClassesThat().resideInAnyPackage(TEST_MODULES)
            .because("test servers and simulators never ship: only the sandbox module and tests may use them");
}
