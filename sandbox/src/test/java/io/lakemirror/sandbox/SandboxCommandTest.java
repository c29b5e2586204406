package io.lakemirror.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakemirror.launcher.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** The sandbox and bench commands' options and errors; starting the sandbox is {@link SandboxIT}. */
class SandboxCommandTest {

    private record Run(int status, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = SandboxMain.commandLine(Map.of());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int status = cli.execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    @Test
    void help_shouldListEveryFixedPort() {
        Run run = run("sandbox", "--help");

        assertThat(run.status()).isZero();
        assertThat(run.out()).contains("18000", "18001", "18008", "18009", "18090", "18324", "18455", "--port-base",
                "--demo", "sandbox ready: ");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "sandbox --port-base 80                       | --port-base must be 0 (free ports) or between 1024 and 65080",
        "sandbox --set no.such.key=1                  | --set no.such.key: no such configuration key",
        "sandbox --demo --no-replication              | --demo needs the replication service",
        "sandbox --demo-timeout soon                  | is not a duration",
        "bench lag --only theirs                      | --only takes ours or lakefs",
        "bench lag --replication-delay 2s             | --replication-delay takes MIN..MAX",
        "bench lag --commits 0                        | must be at least 1",
    })
    void command_shouldExitTwoWithTheProblem_whenAnOptionIsInvalid(String commandLine, String problem) {
        Run run = run(commandLine.trim().split("\\s+"));

        assertThat(run.status()).isEqualTo(Main.EXIT_USAGE);
        assertThat(run.err()).startsWith("error: ").contains(problem).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(run.out()).doesNotContain("sandbox ready");
    }

    @Test
    void configOverrides_shouldTurnAnEmptyValueIntoTheDocumentedDefault() {
        Map<String, String> pairs = new LinkedHashMap<>();
        pairs.put("commit_sensor.process_branches_duration", "1m");
        pairs.put("validator.run_interval", "");

        assertThat(SandboxCommand.configOverrides(pairs))
                .containsEntry("commit_sensor.process_branches_duration", "1m")
                .containsEntry("validator.run_interval", null);
    }

    @Test
    void message_shouldJoinTheCausesOnce_withoutClassNames() {
        RuntimeException e = new IllegalStateException("the sandbox did not start",
                new java.io.UncheckedIOException("cannot bind", new java.io.IOException("cannot bind")));

        assertThat(SandboxCommand.message(e)).isEqualTo("the sandbox did not start: cannot bind");
    }

    @Test
    void delays_shouldParseARange() {
        assertThat(BenchCommand.Lag.delays("0ms..2s")).hasToString("uniform 0..2000ms");
        assertThatThrownBy(() -> BenchCommand.Lag.delays("2s..1s")).isInstanceOf(IllegalArgumentException.class);
    }
}
