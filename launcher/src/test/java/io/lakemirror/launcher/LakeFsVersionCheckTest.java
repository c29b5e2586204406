package io.lakemirror.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.config.ConfigLoader;
import io.lakemirror.config.ReplicationConfig;
import io.lakemirror.lakefs.LakeFs;
import io.lakemirror.lakefs.fake.FakeLakeFs;
import io.lakemirror.lakefs.fake.LakeFsOperation;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LakeFsVersionCheckTest {
    private static final URI LOCAL = URI.create("http://lakefs-a.example.com:8000");
    private static final URI WEST = URI.create("http://lakefs-b.example.com:8000");
    private static final URI SOUTH = URI.create("http://lakefs-c.example.com:8000");
    private static final List<LakeFsVersionCheck.Endpoint> ENDPOINTS = List.of(
            new LakeFsVersionCheck.Endpoint("regional_endpoint", LOCAL),
            new LakeFsVersionCheck.Endpoint("dst_endpoints.us-west-2", WEST),
            new LakeFsVersionCheck.Endpoint("dst_endpoints.ap-south-1", SOUTH));

    private final Map<URI, FakeLakeFs> lakeFs = Map.of(LOCAL, new FakeLakeFs(), WEST, new FakeLakeFs(), SOUTH, new FakeLakeFs());

    private LakeFsVersionCheck.Outcome check() {
        return LakeFsVersionCheck.check(ENDPOINTS, lakeFs::get, Duration.ofSeconds(5));
    }

    @Test
    void check_shouldPass_whenEveryLakeFsIsCurrent() {
        LakeFsVersionCheck.Outcome outcome = check();

        assertThat(outcome.problems()).isEmpty();
        assertThat(outcome.warnings()).isEmpty();
        assertThat(lakeFs.values()).allSatisfy(l -> assertThat(l.calls(LakeFsOperation.VERSION)).isEqualTo(1));
    }

    @Test
    void check_shouldRefuseEveryOldLakeFsAtOnce_namingEndpointAndVersion() {
        lakeFs.get(WEST).setVersion("1.10.0");
        lakeFs.get(SOUTH).setVersion("v0.113.2");

        LakeFsVersionCheck.Outcome outcome = check();

        assertThat(outcome.problems()).hasSize(2);
        assertThat(outcome.problems().get(0)).contains("dst_endpoints.us-west-2 http://lakefs-b.example.com:8000")
                .contains("runs version 1.10.0, older than 1.11.0").contains("read_only").contains("upgrade");
        assertThat(outcome.problems().get(1)).contains("dst_endpoints.ap-south-1 http://lakefs-c.example.com:8000")
                .contains("v0.113.2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.11.0", "1.11.1", "v1.20.3", "1.84.0-rc1", "2.0.0"})
    void check_shouldPass_whenTheVersionIs1_11_0OrLater(String version) {
        lakeFs.get(LOCAL).setVersion(version);

        assertThat(check().problems()).isEmpty();
    }

    @Test
    void check_shouldRefuse_whenTheVersionIsNoRelease() {
        lakeFs.get(LOCAL).setVersion("lakemirror-testserver");

        assertThat(check().problems()).singleElement().asString()
                .contains("regional_endpoint http://lakefs-a.example.com:8000").contains("\"lakemirror-testserver\"")
                .contains("no lakeFS release");
    }

    @Test
    void check_shouldWarnButPass_whenLakeFsIsAnUnreleasedBuild() {
        lakeFs.get(LOCAL).setVersion("dev");

        LakeFsVersionCheck.Outcome outcome = check();

        assertThat(outcome.problems()).isEmpty();
        assertThat(outcome.warnings()).singleElement().asString().contains("unreleased build").contains("\"dev\"");
    }

    @Test
    void check_shouldWarnButPass_whenARemoteLakeFsIsUnreachable() {
        lakeFs.get(SOUTH).fail(LakeFsOperation.VERSION, Optional.empty(), -1, FakeLakeFs.timeout("getLakeFSVersion"));

        LakeFsVersionCheck.Outcome outcome = check();

        assertThat(outcome.problems()).isEmpty();
        assertThat(outcome.warnings()).singleElement().asString()
                .contains("the version of lakeFS dst_endpoints.ap-south-1 http://lakefs-c.example.com:8000 is not checked")
                .contains("timed out");
    }

    @Test
    void check_shouldRefuse_whenALakeFsRefusesTheKeys() {
        Map<URI, LakeFs> clients = new HashMap<>(lakeFs);
        clients.put(WEST, lakeFs.get(WEST).as("AKIAUNKNOWN", "wrong"));

        LakeFsVersionCheck.Outcome outcome = LakeFsVersionCheck.check(ENDPOINTS, clients::get, Duration.ofSeconds(5));

        assertThat(outcome.problems()).singleElement().asString()
                .contains("dst_endpoints.us-west-2").contains("refuses the replication user's keys");
    }

    @Test
    void check_shouldGiveUpOnASilentLakeFs_afterTheTimeout_andStillReportTheOthers() throws InterruptedException {
        CountDownLatch never = new CountDownLatch(1);
        lakeFs.get(SOUTH).addCallListener((op, repo) -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        lakeFs.get(WEST).setVersion("1.9.0");

        long started = System.nanoTime();
        LakeFsVersionCheck.Outcome outcome = LakeFsVersionCheck.check(ENDPOINTS, lakeFs::get, Duration.ofMillis(300));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("ended by its bound, not by the endpoint that never answers")
                .isLessThan(Duration.ofSeconds(30));
        assertThat(outcome.problems()).singleElement().asString().contains("1.9.0");
        assertThat(outcome.warnings()).singleElement().asString().contains("did not answer GET /config/version within");
    }

    @Test
    void endpoints_shouldListTheRegionalEndpointThenEveryDestination_once() {
        Map<String, Object> values = new HashMap<>(Map.of(
                "region", "us-east-1", "organization_id", "org", "regional_endpoint", LOCAL.toString(),
                "dst_endpoints", Map.of("us-west-2", WEST.toString(), "ap-south-1", SOUTH.toString(),
                        "us-east-1", LOCAL.toString()),
                "lakefs.access_key_id", "AKIAREPLICATION", "lakefs.secret_access_key", "secret",
                "mirrors_database.type", "dynamodb", "mirrors_database.dynamodb.table_name", "mirrors",
                "blockstore.type", "s3", "auth.encrypt.secret_key", "shh"));
        values.put("auth.api.endpoint", "http://auth.example.com:8000/api/v1");
        ReplicationConfig config = ConfigLoader.fromMap(values);

        assertThat(LakeFsVersionCheck.endpoints(config)).extracting(LakeFsVersionCheck.Endpoint::toString).containsExactly(
                "regional_endpoint " + LOCAL, "dst_endpoints.ap-south-1 " + SOUTH, "dst_endpoints.us-west-2 " + WEST);
    }
}
