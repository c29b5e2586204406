package io.lakemirror.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** {@code failover} refuses bad names and missing options with exit 2 and a message, before any lakeFS call. */
class FailoverCommandTest {

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
            "failover --mirror Bad_Name --to copy      | invalid repository id \"Bad_Name\"",
            "failover --mirror sales-mirror --to x     | invalid repository id \"x\"",
            "failover --mirror sales-mirror            | Missing required option: '--to=REPOSITORY'"})
    void failover_shouldExitWithUsage_whenOptionsAreInvalid(String args, String message) {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine(Map.of());
        cli.setOut(new PrintWriter(new StringWriter()));
        cli.setErr(new PrintWriter(err));

        int status = cli.execute(args.trim().split("\\s+"));

        assertThat(status).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString()).contains(message).doesNotContain("Exception");
    }
}
