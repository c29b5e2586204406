package io.lakemirror.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.lakemirror.config.ConfigLoader;
import io.lakemirror.config.ConfigPrinter;
import io.lakemirror.config.ReplicationConfig;
import io.lakemirror.sandbox.LocalServices;
import io.lakemirror.testkit.World;
import io.lakemirror.testserver.http.ReportedVersion;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The startup check against lakeFS test servers over HTTP: a lakeFS older than 1.11.0 at any endpoint
 * stops {@code bin/replication} with exit status 2, naming each endpoint and its version, before anything
 * starts; a current lakeFS lets the process start.
 */
class LakeFsVersionCheckIT {
    private static final String A = "us-east-1";
    private static final String B = "eu-west-1";
    private static World world;

    @BeforeAll
    static void start() {
        world = World.builder().regions(A, B).start();
    }

    @AfterAll
    static void stop() {
        if (world != null) {
            world.close();
        }
    }

    @AfterEach
    void current() {
        world.sites().forEach(s -> s.lakeFs().setVersion(ReportedVersion.CURRENT));
    }

    @Test
    void main_shouldRefuseToStartWithStatus2_namingEveryOldLakeFsAndItsVersion(@TempDir Path dir) throws IOException {
        world.site(B).lakeFs().setVersion("1.10.0");
        world.site(A).lakeFs().setVersion("0.113.0");
        Path file = Files.writeString(dir.resolve("us-east-1.yaml"), ConfigPrinter.toYaml(world.site(A).configValues()));
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine(Map.of());
        cli.setErr(new PrintWriter(err));

        int status = assertTimeoutPreemptively(Duration.ofMinutes(2), () -> cli.execute("api", "--config", file.toString()));

        assertThat(status).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString()).contains("cannot start, 2 problems (nothing was started)")
                .contains("lakeFS regional_endpoint " + world.site(A).lakeFsEndpoint() + " runs version 0.113.0, older than 1.11.0")
                .contains("lakeFS dst_endpoints." + B + " " + world.site(B).lakeFsEndpoint() + " runs version 1.10.0, older than 1.11.0")
                .contains("read_only");
    }

    @Test
    void start_shouldRefuse_whenOneDestinationIsOld_andStart_whenItIsCurrent() {
        ReplicationConfig config = ConfigLoader.fromMap(world.site(A).configValues());
        world.site(B).lakeFs().setVersion("1.10.9");

        assertThatThrownBy(() -> RegionProcess.start(config, LocalServices.dynoxideShims(config), b -> { },
                EnumSet.of(RegionProcess.Part.API)))
                .isInstanceOf(StartupException.class)
                .satisfies(e -> assertThat(((StartupException) e).problems()).singleElement().asString()
                        .contains("dst_endpoints." + B).contains("1.10.9"));

        world.site(B).lakeFs().setVersion("1.11.0");
        try (RegionProcess process = RegionProcess.start(config, LocalServices.dynoxideShims(config), b -> { },
                EnumSet.of(RegionProcess.Part.API))) {
            assertThat(process.apiPort()).isPresent();
        }
    }
}
