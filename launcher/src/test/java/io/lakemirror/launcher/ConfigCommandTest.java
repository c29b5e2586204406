package io.lakemirror.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

class ConfigCommandTest {
    /** Surefire runs in the module directory. */
    private static final Path EXAMPLES = Path.of("..", "examples");

    @TempDir
    Path dir;

    private record Run(int status, String out, String err) {
    }

    private static Run run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine(env);
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int status = cli.execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    static Stream<Path> examples() throws IOException {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("examples")
    void check_shouldPrintTheEffectiveConfigurationWithSecretsMasked_forEveryExample(Path example) throws IOException {
        Run run = run(Map.of(), "config", "check", "--config", example.toString());

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("region: ").contains("validator:").contains("num_workers: 3");
        String yaml = Files.readString(example);
        for (String secretLine : yaml.lines().filter(l -> l.contains("secret")).toList()) {
            String value = secretLine.substring(secretLine.indexOf(':') + 1).trim();
            assertThat(run.out()).doesNotContain(value);
        }
    }

    @Test
    void check_shouldExitTwoListingThreeProblems_whenTheFileHasThreeMistakes() throws IOException {
        String yaml = Files.readString(EXAMPLES.resolve("us-east-1.yaml"))
                .replaceFirst("(?m)^region: us-east-1$", "region: Virginia")
                .replace("  num_workers: 3", "  num_worker: 3")
                .replace("  run_interval: 1m", "  run_interval: one minute");
        Path file = dir.resolve("broken.yaml");
        Files.writeString(file, yaml);

        Run run = run(Map.of(), "config", "check", "--config", file.toString());

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("3 problems")
                .contains("invalid region \"Virginia\"")
                .contains("did you mean validator.num_workers?")
                .contains("validator.run_interval")
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
        assertThat(run.err().lines().filter(l -> l.startsWith("  - "))).hasSize(3);
    }

    @Test
    void check_shouldApplyEnvironmentOverrides() {
        Run run = run(Map.of("REPLICATION_REGION", "eu-west-1",
                        "REPLICATION_DST_ENDPOINTS", "us-east-1=https://lakefs.us-east-1.example.com",
                        "REPLICATION_REGIONAL_ENDPOINT", "https://lakefs.eu-west-1.example.com"),
                "config", "check", "--config", EXAMPLES.resolve("us-east-1.yaml").toString());

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("region: eu-west-1");
    }

    @Test
    void reference_shouldPrintTheGeneratedMarkdown() {
        Run run = run(Map.of(), "config", "reference");
        assertThat(run.status()).isZero();
        assertThat(run.out()).startsWith("# Configuration reference").contains("`REPLICATION_VALIDATOR_NUM_WORKERS`");
    }
}
