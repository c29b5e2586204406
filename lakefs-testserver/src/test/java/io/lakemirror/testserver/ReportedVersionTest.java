package io.lakemirror.testserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.config.Secret;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.lakefs.RepositoryCreation;
import io.lakemirror.lakefs.sdk.SdkLakeFs;
import io.lakemirror.testserver.http.ReportedVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** GET /config/version as lakeFS answers it, and the test server playing an older lakeFS. */
@ExtendWith(SharedS3Extension.class)
class ReportedVersionTest {
    private static LakeFsTestServer server;
    private static SdkLakeFs lakeFs;
    private static String bucket;

    @BeforeAll
    static void start(SharedS3 s3) {
        bucket = s3.newBucket();
        server = s3.server().start();
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

    @AfterEach
    void current() {
        server.setVersion(ReportedVersion.CURRENT);
    }

    @Test
    void configVersion_shouldAnswerLakeFsVersionConfig_toAnyAuthenticatedUser() {
        Raw.Response answer = Raw.admin(server).get("/config/version");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().getString("version")).isEqualTo(ReportedVersion.CURRENT);
        assertThat(answer.json().getString("version_context")).isEqualTo("lakeFS");
        assertThat(Raw.anonymous(server.endpoint()).get("/config/version").status()).isEqualTo(401);
    }

    @Test
    void version_shouldReportTheVersionSetWhileRunning() {
        server.setVersion("1.10.0");

        assertThat(lakeFs.version()).isEqualTo("1.10.0");
        assertThat(server.version()).isEqualTo("1.10.0");
    }

    @Test
    void createRepository_shouldDropReadOnlyOfABareRepository_whenPlayingLakeFsBefore1_11() {
        server.setVersion("1.10.0");
        RepositoryId bare = RepositoryId.of("old-bare");
        RepositoryId full = RepositoryId.of("old-full");

        lakeFs.createRepository(RepositoryCreation.mirror(bare, StorageNamespace.of("s3://" + bucket + "/old-bare"),
                RepositoryCreation.DEFAULT_BRANCH));
        lakeFs.createRepository(RepositoryCreation.of(full, StorageNamespace.of("s3://" + bucket + "/old-full")).withReadOnly(true));

        assertThat(lakeFs.getRepository(bare).readOnly()).as("lakeFS 1.10.0 ignored read_only of bare repositories").isFalse();
        assertThat(lakeFs.getRepository(full).readOnly()).as("read_only of a non-bare repository worked since 1.5.0").isTrue();
    }

    @Test
    void createRepository_shouldKeepReadOnlyOfABareRepository_from1_11() {
        server.setVersion("1.11.0");
        RepositoryId bare = RepositoryId.of("new-bare");

        lakeFs.createRepository(RepositoryCreation.mirror(bare, StorageNamespace.of("s3://" + bucket + "/new-bare"),
                RepositoryCreation.DEFAULT_BRANCH));

        assertThat(lakeFs.getRepository(bare).readOnly()).isTrue();
    }
}
