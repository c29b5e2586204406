package io.lakemirror.testserver.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakemirror.config.Secret;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.lakefs.RepositoryCreation;
import io.lakemirror.lakefs.sdk.SdkLakeFs;
import io.lakemirror.testserver.LakeFsTestServer;
import io.lakemirror.testserver.Raw;
import io.lakemirror.testserver.ServedExchange;
import io.lakemirror.testserver.SharedS3;
import io.lakemirror.testserver.SharedS3Extension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The server checks its own exchanges ({@code checkExchanges}): what it hands over, and what lakeFS's spec makes
 * of it. Mismatches here are found with {@link LakeFsSpec#mismatches}, which counts nothing, so the deliberate
 * ones do not fail the class.
 */
@ExtendWith(SharedS3Extension.class)
class ServerSpecCheckTest {
    private static final List<ServedExchange> SEEN = new CopyOnWriteArrayList<>();
    private static LakeFsTestServer server;
    private static SdkLakeFs lakeFs;
    private static String bucket;

    @BeforeAll
    static void start(SharedS3 s3) {
        bucket = s3.newBucket();
        SpecExchangeCheck spec = new SpecExchangeCheck();
        server = s3.server().checkExchanges(exchange -> {
            SEEN.add(exchange);
            spec.check(exchange);
        }).start();
        lakeFs = SdkLakeFs.create(server.endpoint(), server.adminAccessKeyId(), new Secret(server.adminSecretAccessKey()));
    }

    @AfterAll
    static void stop() {
        if (lakeFs != null) {
            lakeFs.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static ServedExchange awaitExchange(String method, String pathEnd) {
        return await().alias(method + " ..." + pathEnd + " handed to the check").atMost(Duration.ofSeconds(60))
                .until(() -> SEEN.stream().filter(e -> e.method().equals(method) && e.path().endsWith(pathEnd))
                        .reduce((first, second) -> second), Optional::isPresent).orElseThrow();
    }

    @Test
    void checkExchanges_shouldHandOverRequestAndAnswer_ofAnSdkClient() {
        RepositoryId repo = RepositoryId.of("checked-sdk");
        lakeFs.createRepository(RepositoryCreation.of(repo, StorageNamespace.of("s3://" + bucket + "/sdk")));

        ServedExchange created = awaitExchange("POST", "/api/v1/repositories");

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.checkRequest()).isTrue();
        assertThat(created.requestBody()).get().asString().contains("\"name\":\"checked-sdk\"");
        assertThat(created.responseBody()).get().asString().contains("\"id\":\"checked-sdk\"");
        assertThat(created.responseContentType()).contains("application/json");
        assertThat(created.authorization()).get().asString().startsWith("Basic ");
        assertThat(LakeFsSpec.get().mismatches(created)).isEmpty();
    }

    @Test
    void checkExchanges_shouldCheckOnlyTheAnswer_whenTheRequestIsMarkedResponseOnly() {
        Raw.Response answer = Raw.admin(server).get("/repositories/no-such-repository?amount=5");

        ServedExchange seen = awaitExchange("GET", "/api/v1/repositories/no-such-repository");

        assertThat(answer.status()).isEqualTo(404);
        assertThat(seen.checkRequest()).isFalse();
        assertThat(seen.query()).containsEntry("amount", List.of("5"));
        assertThat(seen.responseBody()).get().asString().contains("\"message\"");
        assertThat(LakeFsSpec.get().mismatches(seen)).isEmpty();
    }

    @Test
    void checkExchanges_shouldLeaveOutAnAnswerTheFaultInjectorGave() {
        server.faults().failNext(1, 500);
        assertThat(Raw.admin(server).get("/config/version").status()).as("the injected fault").isEqualTo(500);
        assertThat(Raw.admin(server).get("/config/version").status()).isEqualTo(200);

        awaitExchange("GET", "/api/v1/config/version");

        assertThat(SEEN).filteredOn(e -> e.path().endsWith("/config/version")).extracting(ServedExchange::status)
                .as("an injected fault is the test's answer, not lakeFS's: the spec does not hold it").containsOnly(200);
    }

    @Test
    void mismatches_shouldReportA4xxTheOperationDoesNotList() {
        ServedExchange teapot = withAnswer(readRepository("checked-status"), 409, "{\"message\":\"no such answer in lakeFS\"}");

        assertThat(LakeFsSpec.get().mismatches(teapot)).singleElement().asString()
                .contains("[getRepository]", Departures.UNDECLARED_STATUS);
    }

    @Test
    void mismatches_shouldReportABodyOutsideTheSchema() {
        ServedExchange wrong = withAnswer(readRepository("checked-body"), 200, "{\"id\":\"checked-body\"}");

        assertThat(LakeFsSpec.get().mismatches(wrong)).isNotEmpty()
                .allSatisfy(m -> assertThat(m).contains("validation.response.body.schema.required"));
    }

    @Test
    void mismatches_shouldAllowADepartureOfRealLakeFs_onTheAllowList() {
        ServedExchange exists = new ServedExchange("POST", "/api/v1/repositories/r/commits", Map.of(), Optional.empty(),
                Optional.of("application/json"), Optional.empty(), 409, Optional.of("application/json"),
                Optional.of("{\"message\":\"commit already exists\"}"), false);

        assertThat(LakeFsSpec.get().mismatches(exists)).isEmpty();
        assertThat(Departures.allowing("CreateCommitRecord", 409, Departures.UNDECLARED_STATUS)).isPresent();
    }

    @Test
    void allowList_shouldStayShort() {
        assertThat(Departures.ALL).hasSizeLessThan(10);
        assertThat(Departures.ALL).extracting(Departure::why).doesNotContain("");
    }

    /** Creates repository {@code name}, reads it through the SDK, and returns that read as the server handed it over. */
    private static ServedExchange readRepository(String name) {
        RepositoryId repo = RepositoryId.of(name);
        lakeFs.createRepository(RepositoryCreation.of(repo, StorageNamespace.of("s3://" + bucket + "/" + name)));
        lakeFs.getRepository(repo);
        return awaitExchange("GET", "/api/v1/repositories/" + name);
    }

    private static ServedExchange withAnswer(ServedExchange e, int status, String body) {
        return new ServedExchange(e.method(), e.path(), e.query(), e.authorization(), e.requestContentType(),
                e.requestBody(), status, Optional.of("application/json"), Optional.of(body), e.checkRequest());
    }
}
