package io.lakemirror.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakemirror.audit.AuditOptions;
import io.lakemirror.blockstore.ByteSource;
import io.lakemirror.config.ReplicationConfig;
import io.lakemirror.config.Secret;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.MetaRangeId;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.graveler.GravelerReader;
import io.lakemirror.graveler.RangeInfo;
import io.lakemirror.lakefs.sdk.SdkLakeFs;
import io.lakemirror.launcher.cli.LakectlCredentials;
import io.lakemirror.sandbox.LocalServices;
import io.lakemirror.testkit.LakeFsUser;
import io.lakemirror.testkit.ProcessHygiene;
import io.lakemirror.testkit.ReplicationApiClient;
import io.lakemirror.testkit.World;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The operator's tools on the two-region world with both regions' services running: {@code bin/replication mirrors}
 * against A's API, {@code bin/replication audit} and {@code POST .../audit} on a clean mirror and then on one damaged
 * by hand (each damage named by its invariant and object), and the dashboard in headless Chromium.
 */
class OperatorToolsIT {
    private static final String A = "us-east-1";
    private static final String B = "eu-west-1";
    private static final BranchId MAIN = BranchId.of("main");
    private static final Duration MIRRORED = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ProcessHygiene.Snapshot processes;
    private static World world;
    private static RegionProcess regionA;
    private static RegionProcess regionB;
    private static SdkLakeFs lakeFsA;
    private static SdkLakeFs lakeFsB;
    private static LakeFsUser user;

    @TempDir
    Path home;

    @BeforeAll
    static void start() {
        processes = ProcessHygiene.snapshot();
        // Lag samples every second, so the dashboard's plot has points within seconds.
        world = World.builder().regions(A, B)
                .config("commit_sensor.process_branches_duration", "200ms")
                .config("metrics.refresh_interval", "1s")
                .start();
        regionA = region(A);
        regionB = region(B);
        lakeFsA = SdkLakeFs.create(world.site(A).lakeFsEndpoint(), world.adminAccessKeyId(), new Secret(world.adminSecretAccessKey()));
        lakeFsB = SdkLakeFs.create(world.site(B).lakeFsEndpoint(), world.adminAccessKeyId(), new Secret(world.adminSecretAccessKey()));
        user = new LakeFsUser(world.site(A).lakeFsEndpoint(), world.adminAccessKeyId(), world.adminSecretAccessKey());
    }

    private static RegionProcess region(String region) {
        ReplicationConfig config = world.config(region);
        return RegionProcess.start(config, LocalServices.dynoxideShims(config), LocalServices.seedChangeFeed(world),
                EnumSet.allOf(RegionProcess.Part.class));
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {lakeFsA, lakeFsB, regionB, regionA, world}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // close the rest; the hygiene check reports leftovers
            }
        }
        processes.assertNoNewProcesses(Duration.ofSeconds(15));
    }

    private static String apiA() {
        return "http://127.0.0.1:" + regionA.apiPort().orElseThrow();
    }

    private record Run(int status, String out, String err) {
        @Override
        public String toString() {
            return "exit " + status + "\n" + out + "\n" + err;
        }
    }

    /** {@code bin/replication args} with the admin's keys in lakectl's variables. */
    private Run cli(String... args) {
        return cliWithSecret(world.adminSecretAccessKey(), args);
    }

    private Run cliWithSecret(String secret, String... args) {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", home.toString());
        env.put(LakectlCredentials.ACCESS_KEY_ENV, world.adminAccessKeyId());
        env.put(LakectlCredentials.SECRET_KEY_ENV, secret);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine line = Main.commandLine(env);
        line.setOut(new PrintWriter(out));
        line.setErr(new PrintWriter(err));
        int status = line.execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    private static CommitId commit(RepositoryId repo, String file) {
        user.upload(repo, MAIN, "data/" + file, ("content of " + file).getBytes(StandardCharsets.UTF_8));
        return user.commit(repo, MAIN, "add " + file).id();
    }

    private static Optional<CommitId> mirrorHead(RepositoryId mirror) {
        try {
            return Optional.of(lakeFsB.getBranch(mirror, MAIN).commitId());
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    /** A source repository in A with two commits and its ACTIVE mirror in B with main mirrored; the mirror's ID. */
    private static String mirrored(String repo) {
        RepositoryId source = RepositoryId.of(repo);
        user.createRepository(source, world.site(A).storageNamespace(repo));
        ReplicationApiClient api = new ReplicationApiClient(URI.create(apiA()), world.adminAccessKeyId(),
                world.adminSecretAccessKey());
        String id = api.createMirror(repo, repo + "-mirror", B, world.site(B).storageNamespace(repo)).get("id").asText();
        commit(source, "a.csv");
        CommitId head = commit(source, "b.csv");
        await("main of " + repo + " mirrored").alias(repo + " mirrored").atMost(MIRRORED)
                .until(() -> mirrorHead(RepositoryId.of(repo + "-mirror")).equals(Optional.of(head)));
        return id;
    }

    @Test
    void mirrorsCli_shouldCreateListShowAndDeleteMirrors_withReadableTablesJsonAndTheDocumentedExitStatuses()
            throws IOException {
        RepositoryId source = RepositoryId.of("cli-tour");
        user.createRepository(source, world.site(A).storageNamespace("cli-tour"));
        String ns = world.site(B).storageNamespace("cli-tour");

        Run created = cli("mirrors", "create", "--endpoint", apiA(), "-r", "cli-tour", "--name", "cli-tour-mirror",
                "--region", B, "--storage-namespace", ns);
        assertThat(created.status()).as(created.toString()).isZero();
        assertThat(created.out()).startsWith("created mirror ").contains("cli-tour-mirror in " + B);

        Run again = cli("mirrors", "create", "--endpoint", apiA(), "-r", "cli-tour", "--name", "cli-tour-mirror",
                "--region", B, "--storage-namespace", ns);
        assertThat(again.status()).as(again.toString()).isEqualTo(MirrorsCommand.EXIT_API);
        assertThat(again.err()).startsWith("error: ").contains("HTTP 409").doesNotContain("\tat ");

        CommitId head = commit(source, "a.csv");
        await("the CLI's status shows main in sync").alias("main in sync").atMost(MIRRORED).until(() -> {
            Run status = cli("mirrors", "status", "--endpoint", apiA(), "--json");
            JsonNode mirrors = JSON.readTree(status.out());
            return status.status() == 0 && mirrors.size() >= 1 && mirrors.findValues("branches").stream()
                    .flatMap(b -> java.util.stream.StreamSupport.stream(b.spliterator(), false))
                    .anyMatch(b -> b.path("mirror_head").asText().equals(head.value()) && b.path("in_sync").asBoolean());
        });

        Run status = cli("mirrors", "status", "--endpoint", apiA(), "-r", "cli-tour");
        assertThat(status.status()).as(status.toString()).isZero();
        assertThat(status.out().lines().findFirst().orElseThrow()).contains("MIRROR", "BRANCH", "SYNC", "LAG", "BEHIND",
                "MISSING");
        assertThat(status.out()).contains("cli-tour-mirror", "main", "yes", head.value().substring(0, 12));

        Run watched = cli("mirrors", "status", "--endpoint", apiA(), "--watch", "--interval", "100ms", "--refreshes", "2");
        assertThat(watched.status()).as(watched.toString()).isZero();
        assertThat(watched.out().split("every 100ms from", -1)).hasSize(3);

        Run list = cli("mirrors", "list", "--endpoint", apiA());
        assertThat(list.status()).as(list.toString()).isZero();
        assertThat(list.out()).contains("ID", "NAME", "cli-tour-mirror", "cli-tour@" + A, "ACTIVE");
        Run listJson = cli("mirrors", "list", "--endpoint", apiA(), "-r", "cli-tour", "--json");
        JsonNode listed = JSON.readTree(listJson.out());
        assertThat(listed.isArray()).isTrue();
        String id = listed.get(0).path("id").asText();

        Run get = cli("mirrors", "get", "cli-tour-mirror", "--endpoint", apiA());
        assertThat(get.status()).as(get.toString()).isZero();
        assertThat(get.out()).contains("mirror " + id, "cli-tour@" + A + " -> cli-tour-mirror@" + B, "status ACTIVE");

        Run missing = cli("mirrors", "get", "no-such-mirror", "--endpoint", apiA());
        assertThat(missing.status()).as(missing.toString()).isEqualTo(MirrorsCommand.EXIT_API);
        assertThat(missing.err()).contains("mirror not found").contains("HTTP 404");

        Run denied = cliWithSecret("not-the-secret", "mirrors", "list", "--endpoint", apiA());
        assertThat(denied.status()).as(denied.toString()).isEqualTo(MirrorsCommand.EXIT_DENIED);
        assertThat(denied.err()).contains("HTTP 401");

        Run deleted = cli("mirrors", "delete", id, "-r", "cli-tour", "--endpoint", apiA());
        assertThat(deleted.status()).as(deleted.toString()).isZero();
        assertThat(deleted.out()).contains("deletion of mirror " + id);
        await("the deleted mirror leaves the listing").alias("mirror deleted").atMost(MIRRORED)
                .until(() -> !cli("mirrors", "list", "--endpoint", apiA()).out().contains("cli-tour-mirror"));
    }

    private Run audit(String mirror, boolean strict) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        try (Backends backends = Backends.of(world.config(B), LocalServices.dynoxideShims(world.config(B)))) {
            int status = AuditCommand.run(backends, backends.anyRegionBlockStore(), mirror, AuditOptions.defaults(strict),
                    false, false, new PrintWriter(out), new PrintWriter(err));
            return new Run(status, out.toString(), err.toString());
        }
    }

    private JsonNode auditThroughTheApi(String repo, String id) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(apiA() + "/service/replication/v1/repositories/" + repo
                        + "/mirrors/" + id + "/audit?wait=50"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((world.adminAccessKeyId() + ":"
                        + world.adminSecretAccessKey()).getBytes(StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(90)).POST(HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    @Test
    void audit_shouldExit0WhenClean_thenNameEachDamageByItsInvariantAndObject_throughTheCommandAndTheApi()
            throws Exception {
        String id = mirrored("audited");
        RepositoryId mirror = RepositoryId.of("audited-mirror");
        StorageNamespace ns = StorageNamespace.of(world.site(B).storageNamespace("audited"));

        Run clean = audit(id, false);
        assertThat(clean.status()).as(clean.toString()).isZero();
        assertThat(clean.out()).contains("branch main").contains("result: clean");
        Run cleanByName = audit("audited-mirror", true);
        assertThat(cleanByName.status()).as(cleanByName.toString()).isZero();
        JsonNode cleanReport = auditThroughTheApi("audited", id);
        assertThat(cleanReport.path("status").asText()).isEqualTo("done");
        assertThat(cleanReport.path("result").asText()).isEqualTo("clean");

        // strict: a data object of the head's ranges disappears from the mirror's bucket
        String dataKey = world.s3().listObjectsV2(b -> b.bucket(ns.bucket()).prefix(ns.key(""))).contents().stream()
                .map(o -> o.key()).filter(k -> !k.contains("_lakefs/")).findFirst().orElseThrow();
        world.s3().deleteObject(b -> b.bucket(ns.bucket()).key(dataKey));
        Run lenient = audit(id, false);
        assertThat(lenient.status()).as("data objects are checked with --strict only: " + lenient).isZero();
        Run strict = audit(id, true);
        assertThat(strict.status()).as(strict.toString()).isEqualTo(AuditCommand.EXIT_VIOLATIONS);
        assertThat(strict.out()).contains("I1 branch main").contains(dataKey);

        // I1: a range of the head disappears
        CommitId head = mirrorHead(mirror).orElseThrow();
        String rangeKey = rangeKeys(ns, lakeFsB.getCommit(mirror, head.asRef()).metaRangeId().orElseThrow()).get(0);
        world.s3().deleteObject(b -> b.bucket(ns.bucket()).key(rangeKey));
        Run rangeGone = audit(id, false);
        assertThat(rangeGone.status()).as(rangeGone.toString()).isEqualTo(AuditCommand.EXIT_VIOLATIONS);
        assertThat(rangeGone.out()).contains("I1 branch main").contains(rangeKey);

        // I6: a branch the source lacks, created with force on the read-only mirror
        lakeFsB.createBranch(mirror, BranchId.of("intruder"), head.asRef(), true);
        Run foreign = audit(id, false);
        assertThat(foreign.status()).as(foreign.toString()).isEqualTo(AuditCommand.EXIT_VIOLATIONS);
        assertThat(foreign.out()).containsPattern("I6 .*intruder");

        // I5: a mirror commit record with a tampered field
        CommitRecord honest = lakeFsB.getCommit(mirror, head.asRef());
        Map<String, String> metadata = new HashMap<>(honest.metadata());
        metadata.put("approved_by", "nobody");
        world.site(B).lakeFs().replaceCommitRecordForTest(mirror, new CommitRecord(honest.id(), honest.parents(),
                honest.committer(), honest.message(), honest.metaRangeId(), honest.creationDate(), metadata,
                honest.generation(), honest.version()));
        Run tampered = audit(id, false);
        assertThat(tampered.status()).as(tampered.toString()).isEqualTo(AuditCommand.EXIT_VIOLATIONS);
        assertThat(tampered.out()).containsPattern("I5 .*" + head.value());

        JsonNode damaged = auditThroughTheApi("audited", id);
        assertThat(damaged.path("result").asText()).isEqualTo("violations");
        assertThat(damaged.path("report").toString()).contains("I1", "I5", "I6", rangeKey);
    }

    @Test
    void audit_shouldExit2WithAClearMessage_whenTheMirrorDoesNotExist() {
        Run run = audit("no-such-mirror", false);

        assertThat(run.status()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("no mirror with ID or repository name \"no-such-mirror\"").doesNotContain("\tat ");
    }

    private static List<String> rangeKeys(StorageNamespace ns, MetaRangeId metaRange) {
        String key = ns.metadataKey(metaRange);
        byte[] bytes = world.s3().getObjectAsBytes(b -> b.bucket(ns.bucket()).key(key)).asByteArray();
        List<String> keys = new ArrayList<>();
        GravelerReader.readMetaRange(ByteSource.of(key, bytes)).forEachRemaining((RangeInfo r) -> keys.add(ns.metadataKey(r.id())));
        return keys;
    }

    @Test
    void dashboard_shouldShowAMirrorWithItsBranches_andALagPlotWithPoints_inHeadlessChromium() {
        Optional<Path> chromium = HeadlessChromium.binary();
        Assumptions.assumeTrue(chromium.isPresent(), "dashboard test skipped: no chromium on PATH (Debian's chromium"
                + " package; .ci/install-tools installs it where apt-get can)");
        String id = mirrored("dashboarded");
        try (HeadlessChromium browser = HeadlessChromium.start(chromium.get())) {
            browser.navigate(apiA() + "/service/replication/ui/");
            await("the sign-in form").alias("sign-in form").atMost(Duration.ofSeconds(60))
                    .until(() -> browser.evaluate("document.readyState === 'complete' && !!document.getElementById('sign-in')")
                            .asBoolean());
            browser.evaluate("document.getElementById('access-key-id').value = " + JSON.valueToTree(world.adminAccessKeyId())
                    + "; document.getElementById('secret-access-key').value = "
                    + JSON.valueToTree(world.adminSecretAccessKey())
                    + "; document.getElementById('sign-in').requestSubmit(); true");

            String samples = "(() => { const m = document.querySelector('[data-mirror=\"" + id + "\"]');"
                    + " if (!m || !m.querySelector('tr[data-branch=\"main\"]')) return 0;"
                    + " const p = m.querySelector('polyline[data-branch=\"main\"]');"
                    + " return p ? Number(p.getAttribute('data-samples')) : 0; })()";
            await("the mirror, its main branch and a plot with points").alias("plot with points")
                    .atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .until(() -> browser.evaluate(samples).asInt() >= 2);

            assertThat(browser.evaluate("document.querySelector('[data-mirror=\"" + id + "\"]').textContent").asText())
                    .contains("dashboarded-mirror", "ACTIVE", "main");
            assertThat(browser.evaluate("document.getElementById('error').classList.contains('hidden')").asBoolean())
                    .as(browser.evaluate("document.getElementById('error').textContent").asText()).isTrue();
            browser.screenshot(Path.of("target", "dashboard.png"));
        }
    }
}
