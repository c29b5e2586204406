package io.lakemirror.testserver;

import io.lakemirror.config.Secret;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.lakefs.LakeFs;
import io.lakemirror.lakefs.LakeFsContract;
import io.lakemirror.lakefs.sdk.SdkLakeFs;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The port's contract, run by the SDK adapter against the test server: every call is also a check
 * that the server's responses pass the SDK's own model validation.
 */
@ExtendWith(SharedS3Extension.class)
class SdkLakeFsContractTest extends LakeFsContract {
    private static final AtomicInteger NAMESPACES = new AtomicInteger();
    private static LakeFsTestServer server;
    private static SdkLakeFs client;
    private static Sdk sdk;
    private static String bucket;

    @BeforeAll
    static void start(SharedS3 s3) {
        bucket = s3.newBucket();
        server = s3.server().start();
        client = SdkLakeFs.create(server.endpoint(), server.adminAccessKeyId(), new Secret(server.adminSecretAccessKey()));
        sdk = Sdk.admin(server);
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected LakeFs lakeFs() {
        return client;
    }

    @Override
    protected LakeFs lakeFsAs(String accessKeyId, String secretAccessKey) {
        return SdkLakeFs.create(server.endpoint(), accessKeyId, new Secret(secretAccessKey));
    }

    @Override
    protected StorageNamespace newNamespace() {
        return StorageNamespace.of("s3://" + bucket + "/contract/" + NAMESPACES.incrementAndGet());
    }

    @Override
    protected CommitId commit(RepositoryId repository, BranchId branch, Map<String, String> files, String message) {
        return CommitId.of(sdk.commitFiles(repository, branch, files, message).getId());
    }

    @Override
    protected void stage(RepositoryId repository, BranchId branch, String path, String content) {
        sdk.upload(repository, branch, path, content);
    }
}
