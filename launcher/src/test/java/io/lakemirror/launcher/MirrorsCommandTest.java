package io.lakemirror.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakemirror.launcher.cli.LakectlCredentials;
import io.lakemirror.launcher.cli.StatusTable;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** {@code bin/replication mirrors} without an API: help, credentials, endpoints, exit statuses and the tables. */
class MirrorsCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    private record Run(int status, String out, String err) {
    }

    private Run run(Map<String, String> environment, String... args) {
        Map<String, String> env = new HashMap<>(environment);
        env.putIfAbsent("HOME", home.toString());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine(env);
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int status = cli.execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    private static Map<String, String> keys() {
        return Map.of(LakectlCredentials.ACCESS_KEY_ENV, "AKIAEXAMPLE", LakectlCredentials.SECRET_KEY_ENV, "secret");
    }

    @Test
    void help_shouldListTheSubcommandsAndDocumentEveryExitStatus() {
        Run help = run(Map.of(), "mirrors", "--help");

        assertThat(help.status()).isZero();
        assertThat(help.out()).contains("list", "get", "create", "delete", "status", "LAKECTL_CREDENTIALS_ACCESS_KEY_ID")
                .contains("Exit status").contains("3", "the API could not be reached").contains("4", "401");
    }

    @Test
    void mirrors_shouldExit2WithAClearMessage_whenNoCredentialsAreFound() {
        Run run = run(Map.of(), "mirrors", "list", "--endpoint", "http://127.0.0.1:1");

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("no lakeFS credentials").contains("LAKECTL_CREDENTIALS_ACCESS_KEY_ID")
                .doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void mirrors_shouldExit2_whenNoEndpointIsGivenOrConfigured() {
        Run run = run(keys(), "mirrors", "status");

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("no endpoint").contains("--endpoint");
    }

    @Test
    void mirrors_shouldExit2_whenAnOptionIsUnknown() {
        Run run = run(keys(), "mirrors", "list", "--endpoint", "http://127.0.0.1:1", "--colour");

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("--colour");
    }

    @Test
    void mirrors_shouldExit3NamingTheEndpoint_whenTheApiCannotBeReached() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }

        Run run = run(keys(), "mirrors", "list", "--endpoint", "http://127.0.0.1:" + port, "--timeout", "5s");

        assertThat(run.status()).isEqualTo(MirrorsCommand.EXIT_UNREACHABLE);
        assertThat(run.err()).contains("cannot reach the replication API at http://127.0.0.1:" + port
                + "/service/replication/v1").doesNotContain("\tat ");
    }

    @Test
    void find_shouldReadLakectlsFile_andLetTheEnvironmentWin() throws IOException {
        Path file = home.resolve(".lakectl.yaml");
        Files.writeString(file, """
                credentials:
                  access_key_id: AKIAFROMFILE
                  secret_access_key: file-secret
                server:
                  endpoint_url: https://lakefs.example.com/api/v1
                """);

        LakectlCredentials fromFile = LakectlCredentials.find(Map.of("HOME", home.toString()), Optional.empty());
        LakectlCredentials fromEnv = LakectlCredentials.find(Map.of("HOME", home.toString(),
                LakectlCredentials.ACCESS_KEY_ENV, "AKIAFROMENV"), Optional.empty());

        assertThat(fromFile.accessKeyId()).contains("AKIAFROMFILE");
        assertThat(fromFile.secretAccessKey()).contains("file-secret");
        assertThat(LakectlCredentials.apiBase(Optional.empty(), fromFile.endpoint()))
                .contains(URI.create("https://lakefs.example.com/service/replication/v1"));
        assertThat(fromEnv.accessKeyId()).contains("AKIAFROMENV");
        assertThat(fromEnv.toString()).doesNotContain("file-secret");
    }

    @Test
    void find_shouldRefuseANamedFileThatDoesNotExist() {
        Run run = run(keys(), "mirrors", "list", "--endpoint", "http://127.0.0.1:1", "--lakectl-config",
                home.resolve("nope.yaml").toString());

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("nope.yaml does not exist");
    }

    @Test
    void audit_shouldDocumentItsExitStatuses_andExit2NamingTheMissingOption() {
        Run help = run(Map.of(), "audit", "--help");
        Run missing = run(Map.of(), "audit", "--strict");

        assertThat(help.status()).isZero();
        assertThat(help.out()).contains("I1", "I2", "I5", "I6", "--strict", "Exit status", "clean", "at least one violation");
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).contains("--mirror").doesNotContain("\tat ");
    }

    @ParameterizedTest
    @CsvSource({"http://api.example.com, http://api.example.com/service/replication/v1",
        "http://api.example.com/, http://api.example.com/service/replication/v1",
        "http://api.example.com/service/replication/v1, http://api.example.com/service/replication/v1"})
    void apiBase_shouldEndInTheApiPathOnce(String endpoint, String expected) {
        assertThat(LakectlCredentials.apiBase(Optional.of(endpoint), Optional.empty())).contains(URI.create(expected));
    }

    @ParameterizedTest
    @CsvSource({"0, 0s", "59, 59s", "61, 1m01s", "3600, 1h00m", "7322, 2h02m"})
    void duration_shouldReadAtAGlance(long seconds, String shown) {
        assertThat(StatusTable.duration(seconds)).isEqualTo(shown);
    }

    @Test
    void status_shouldShowEachBranchWithLagBehindAndTheFileItWaitsFor_andFlagAStalledBranch() throws IOException {
        JsonNode mirror = JSON.readTree("""
                {"id": "m1", "name": "sales-mirror", "source_repository": "sales", "source_region": "us-east-1",
                 "region": "eu-west-1", "status": "ACTIVE", "status_message": "",
                 "branches": [
                   {"id": "main", "in_sync": false, "lag_seconds": 75, "commits_behind": 2,
                    "missing_files": ["s3://bucket/_lakefs/r1", "s3://bucket/_lakefs/r2"], "mirror_head": "abcdef0123456789",
                    "stalled": false, "last_error": null},
                   {"id": "dev", "in_sync": true, "lag_seconds": 0, "commits_behind": 0, "missing_files": [],
                    "mirror_head": null, "stalled": true, "stall_reason": "sequence gap"}]}
                """);

        String table = StatusTable.status(List.of(mirror));

        assertThat(table.lines().toList()).hasSize(3);
        assertThat(table.lines().toList().get(0)).contains("MIRROR", "BRANCH", "LAG", "BEHIND", "MISSING");
        assertThat(table).contains("main", "1m15s", "2", "abcdef012345", "waiting for s3://bucket/_lakefs/r1 (+1)")
                .contains("STALLED: sequence gap");
        assertThat(StatusTable.needsAttention(List.of(mirror))).isTrue();
    }
    @Test
    void status_shouldShowATagWaitingForFiles_asARowOfItsMirror() throws IOException {
        JsonNode mirror = JSON.readTree("""
                {"id": "m1", "name": "sales-mirror", "source_repository": "sales", "source_region": "us-east-1",
                 "region": "eu-west-1", "status": "ACTIVE", "status_message": "", "branches": [],
                 "tags_waiting": [{"id": "v1.2", "commit_id": "abcdef0123456789", "missing_count": 3,
                                   "missing_files": ["s3://bucket/_lakefs/r1"]}]}
                """);

        String table = StatusTable.status(List.of(mirror));

        assertThat(table.lines().toList()).hasSize(3);
        assertThat(table.lines().toList().get(2)).contains("sales-mirror", "tag v1.2", "3",
                "tag waiting for s3://bucket/_lakefs/r1 (+2)");
    }

    @Test
    void update_shouldRequireMirrorTags_andDocumentIt() {
        Run help = run(keys(), "mirrors", "update", "--help");
        Run missing = run(keys(), "mirrors", "update", "m1", "--endpoint", "http://127.0.0.1:1");
        Run create = run(keys(), "mirrors", "create", "--help");

        assertThat(help.status()).isZero();
        assertThat(help.out()).contains("--mirror-tags", "true|false");
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).contains("--mirror-tags");
        assertThat(create.out()).contains("--no-tags");
    }
}
