package io.lakemirror.sandbox;


import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.testkit.LakeFsUser;
import io.lakemirror.testkit.ProcessHygiene;
import io.lakemirror.testkit.ReplicationApiClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/replication sandbox} as a user runs it: a separate JVM on free ports prints its ready
 * line, serves both lakeFS servers and both APIs with the keys it printed, and stops on SIGINT
 * leaving no process behind.
 */
class SandboxIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    // Generous: on a busy CI machine two regions, S3Mock, ElasticMQ and dynoxide take minutes to start.
    private static final Duration READY_WITHIN = Duration.ofMinutes(5);
    private static final Duration STOPPED_WITHIN = Duration.ofSeconds(60);

    @Test
    void sandbox_shouldPrintItsReadyLine_serveBothRegions_andStopOnSigintLeavingNoProcess() throws Exception {
        ProcessHygiene.Snapshot before = ProcessHygiene.snapshot();
        Process sandbox = startSandbox();
        List<ProcessHandle> started = new ArrayList<>();
        try {
            JsonNode ready = awaitReadyLine(sandbox);
            started.addAll(sandbox.descendants().toList());

            assertThat(fieldNames(ready)).containsExactly("regions", "s3", "access_key_id", "secret_access_key",
                    "admin_access_key_id", "admin_secret_access_key");
            assertThat(fieldNames(ready.get("regions"))).containsExactly("us-east-1", "eu-west-1");
            for (JsonNode region : ready.get("regions")) {
                assertThat(fieldNames(region)).containsExactly("lakefs", "replication_api", "dashboard", "bucket", "auth_mode");
                assertThat(region.get("lakefs").asText()).matches("http://127\\.0\\.0\\.1:\\d+").doesNotContain("/api/v1");
                ReplicationApiClient api = new ReplicationApiClient(URI.create(region.get("replication_api").asText()),
                        ready.get("access_key_id").asText(), ready.get("secret_access_key").asText());
                // Ready means started; on a busy machine the first health answer can still take longer than a request's 5 s.
                await().alias("API " + api.endpoint() + " healthy").atMost(Duration.ofSeconds(60)).until(api::healthy);
            }
            assertThat(ready.at("/regions/us-east-1/auth_mode").asText()).isEqualTo("auth_service");
            assertThat(ready.at("/regions/eu-west-1/auth_mode").asText()).isEqualTo("kv");
            assertThat(ready.get("admin_access_key_id").asText()).isNotEqualTo(ready.get("access_key_id").asText());
            String keyId = ready.get("admin_access_key_id").asText();
            String secret = ready.get("admin_secret_access_key").asText();
            new LakeFsUser(URI.create(ready.at("/regions/us-east-1/lakefs").asText()), keyId, secret)
                    .createRepository(RepositoryId.of("smoke"), "s3://" + ready.at("/regions/us-east-1/bucket").asText() + "/smoke");
            JsonNode mirrors = new ReplicationApiClient(URI.create(ready.at("/regions/us-east-1/replication_api").asText()),
                    keyId, secret).mirrors("smoke");
            assertThat(mirrors.get("results")).as("the printed keys work on the API").isEmpty();
            assertThat(started).as("dynoxide and its watchdog run under the sandbox").isNotEmpty();

            interrupt(sandbox);
            assertThat(sandbox.waitFor(STOPPED_WITHIN.toSeconds(), TimeUnit.SECONDS))
                    .as("the sandbox stops within %s of SIGINT", STOPPED_WITHIN).isTrue();
            assertThat(started).as("processes the sandbox started").noneMatch(ProcessHandle::isAlive);
        } finally {
            sandbox.descendants().forEach(ProcessHandle::destroyForcibly);
            sandbox.destroyForcibly();
        }
        before.assertNoNewProcesses(Duration.ofSeconds(10));
    }

    /**
     * The launcher's main class in a JVM of its own, with SIGINT at its default disposition even
     * when this build runs in the background (a JVM that inherits an ignored SIGINT never sees Ctrl-C).
     */
    private static Process startSandbox() throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>();
        Path env = Path.of("/usr/bin/env");
        if (Files.isExecutable(env)) {
            command.addAll(List.of(env.toString(), "--default-signal=INT"));
        }
        command.addAll(List.of(java.toString(), "-cp", System.getProperty("java.class.path"), SandboxMain.class.getName(),
                "sandbox", "--port-base", "0"));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static JsonNode awaitReadyLine(Process sandbox) throws Exception {
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(sandbox.getInputStream(), StandardCharsets.UTF_8));
                for (String l = out.readLine(); l != null; l = out.readLine()) {
                    if (l.startsWith("sandbox ready: ")) {
                        // Keep draining, so the sandbox never blocks on a full pipe.
                        Thread drain = new Thread(() -> drain(out), "sandbox-stdout");
                        drain.setDaemon(true);
                        drain.start();
                        return l;
                    }
                }
                throw new IllegalStateException("the sandbox exited without a ready line (exit " + sandbox.waitFor() + ")");
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        String ready = line.get(READY_WITHIN.toSeconds(), TimeUnit.SECONDS);
        String json = ready.substring("sandbox ready: ".length());
        assertThat(json).doesNotContain("\n");
        return JSON.readTree(json);
    }

    private static void drain(BufferedReader out) {
        try {
            while (out.readLine() != null) {
                // discard
            }
        } catch (IOException e) {
            // the sandbox exited
        }
    }

    private static void interrupt(Process sandbox) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(sandbox.pid())).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
