package io.lakemirror.testserver;

import io.lakefs.clients.sdk.ApiClient;
import io.lakefs.clients.sdk.ApiException;
import io.lakefs.clients.sdk.CommitsApi;
import io.lakefs.clients.sdk.ObjectsApi;
import io.lakefs.clients.sdk.RefsApi;
import io.lakefs.clients.sdk.model.Commit;
import io.lakefs.clients.sdk.model.CommitCreation;
import io.lakefs.clients.sdk.model.Merge;
import io.lakefs.clients.sdk.model.ObjectStats;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.RepositoryId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The lakeFS SDK used directly, for set-up steps the port does not offer (uploads and commits). */
public final class Sdk {
    private final ApiClient client;

    private Sdk(ApiClient client) {
        this.client = client;
    }

    public static Sdk as(URI endpoint, String accessKeyId, String secret) {
        ApiClient client = new ApiClient();
        client.setBasePath(endpoint + "/api/v1");
        client.setUsername(accessKeyId);
        client.setPassword(secret);
        return new Sdk(client);
    }

    public static Sdk admin(LakeFsTestServer server) {
        return as(server.endpoint(), server.adminAccessKeyId(), server.adminSecretAccessKey());
    }

    public ApiClient client() {
        return client;
    }

    /** Uploads through the SDK (multipart, part {@code content}). */
    public ObjectStats upload(RepositoryId repo, BranchId branch, String path, String content) {
        try {
            Path file = Files.createTempFile("lakefs-upload", ".bin");
            try {
                Files.writeString(file, content, StandardCharsets.UTF_8);
                return new ObjectsApi(client).uploadObject(repo.value(), branch.value(), path).content(file.toFile())
                        .execute();
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ApiException e) {
            throw new IllegalStateException("upload failed: " + e.getCode() + " " + e.getResponseBody(), e);
        }
    }

    public Commit commit(RepositoryId repo, BranchId branch, String message, Map<String, String> metadata,
                         Long date) {
        try {
            return new CommitsApi(client).commit(repo.value(), branch.value(),
                    new CommitCreation().message(message).metadata(metadata).date(date)).execute();
        } catch (ApiException e) {
            throw new IllegalStateException("commit failed: " + e.getCode() + " " + e.getResponseBody(), e);
        }
    }

    /** Merges {@code source} into {@code destination}; returns the merge commit ID. */
    public String merge(RepositoryId repo, String source, BranchId destination) {
        try {
            return new RefsApi(client).mergeIntoBranch(repo.value(), source, destination.value())
                    .merge(new Merge()).execute().getReference();
        } catch (ApiException e) {
            throw new IllegalStateException("merge failed: " + e.getCode() + " " + e.getResponseBody(), e);
        }
    }

    /** Uploads every file, then commits them. */
    public Commit commitFiles(RepositoryId repo, BranchId branch, Map<String, String> files, String message) {
        files.forEach((path, content) -> upload(repo, branch, path, content));
        return commit(repo, branch, message, Map.of(), null);
    }
}
