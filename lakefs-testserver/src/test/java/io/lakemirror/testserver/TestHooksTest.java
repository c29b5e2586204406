package io.lakemirror.testserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakemirror.config.Secret;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.identity.CommitIds;
import io.lakemirror.lakefs.RepositoryCreation;
import io.lakemirror.lakefs.sdk.SdkLakeFs;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The test-only hooks that seed states lakeFS itself would refuse, for auditor self-tests. */
@ExtendWith(SharedS3Extension.class)
class TestHooksTest {
    private static final BranchId MAIN = BranchId.of("main");
    private static LakeFsTestServer server;
    private static SdkLakeFs lakeFs;
    private static Sdk sdk;
    private static String bucket;

    @BeforeAll
    static void start(SharedS3 s3) {
        bucket = s3.newBucket();
        server = s3.server().start();
        lakeFs = SdkLakeFs.create(server.endpoint(), server.adminAccessKeyId(), new Secret(server.adminSecretAccessKey()));
        sdk = Sdk.admin(server);
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

    @Test
    void replaceCommitRecordForTest_shouldServeTheTamperedRecord_underTheOriginalId() {
        RepositoryId repo = RepositoryId.of("tamper");
        lakeFs.createRepository(RepositoryCreation.of(repo, StorageNamespace.of("s3://" + bucket + "/tamper")));
        sdk.commitFiles(repo, MAIN, Map.of("a.csv", "1"), "honest message");
        CommitRecord original = lakeFs.getCommit(repo, MAIN.asRef());
        CommitRecord tampered = new CommitRecord(original.id(), original.parents(), original.committer(), "forged message",
                original.metaRangeId(), original.creationDate(), original.metadata(), original.generation(),
                original.version());

        server.replaceCommitRecordForTest(repo, tampered);

        CommitRecord served = lakeFs.getCommit(repo, original.id().asRef());
        assertThat(served.message()).isEqualTo("forged message");
        assertThat(CommitIds.of(served)).isNotEqualTo(served.id());
    }

    @Test
    void replaceCommitRecordForTest_shouldRefuse_whenTheCommitDoesNotExist() {
        RepositoryId repo = RepositoryId.of("tamper-missing");
        lakeFs.createRepository(RepositoryCreation.of(repo, StorageNamespace.of("s3://" + bucket + "/tamper-missing")));
        CommitRecord head = lakeFs.getCommit(repo, MAIN.asRef());
        CommitId unknown = CommitId.of("0".repeat(64));
        CommitRecord ghost = new CommitRecord(unknown, head.parents(), head.committer(), head.message(),
                head.metaRangeId(), head.creationDate(), head.metadata(), head.generation(), head.version());

        assertThatThrownBy(() -> server.replaceCommitRecordForTest(repo, ghost))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(unknown.value());
    }
}
