package io.lakemirror.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.RepositoryId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * What a lakeFS user does to a source repository — create it, upload, commit, branch, merge, reset,
 * delete — over plain HTTP, as lakectl or a Spark job would. Workloads, demos and tests drive the
 * source with it; the replication service never uses it.
 */
public final class LakeFsUser {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI api;
    private final String authorization;

    /** @param endpoint the lakeFS base URL, without {@code /api/v1} */
    public LakeFsUser(URI endpoint, String accessKeyId, String secretAccessKey) {
        this.api = URI.create(endpoint + "/api/v1");
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((accessKeyId + ":" + secretAccessKey).getBytes(StandardCharsets.UTF_8));
    }

    /** A repository with lakeFS's initial commit on {@code main}. */
    public JsonNode createRepository(RepositoryId name, String storageNamespace) {
        String body = JSON.createObjectNode().put("name", name.value()).put("storage_namespace", storageNamespace)
                .put("default_branch", "main").toString();
        return send(request("/repositories").POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json"), 201);
    }

    public JsonNode upload(RepositoryId repository, BranchId branch, String path, byte[] content) {
        return send(request("/repositories/" + repository + "/branches/" + branch + "/objects?path=" + encode(path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(content))
                .header("Content-Type", "application/octet-stream"), 201);
    }

    public JsonNode deleteObject(RepositoryId repository, BranchId branch, String path) {
        return send(request("/repositories/" + repository + "/branches/" + branch + "/objects?path=" + encode(path))
                .DELETE(), 204);
    }

    /** A commit as lakeFS answered it: its ID and metarange ID (empty for an initial commit). */
    public record Commit(CommitId id, String metaRangeId) {
    }

    /** Commits the branch's staged changes. */
    public Commit commit(RepositoryId repository, BranchId branch, String message) {
        String body = JSON.createObjectNode().put("message", message).toString();
        JsonNode commit = send(request("/repositories/" + repository + "/branches/" + branch + "/commits")
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json"), 201);
        return new Commit(CommitId.of(commit.get("id").asText()), commit.get("meta_range_id").asText());
    }

    /** Merges {@code source} into {@code destination}; returns the merge commit's ID. */
    public CommitId merge(RepositoryId repository, BranchId source, BranchId destination, String message) {
        String body = JSON.createObjectNode().put("message", message).put("allow_empty", true).toString();
        JsonNode result = send(request("/repositories/" + repository + "/refs/" + source + "/merge/" + destination)
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json"), 200);
        return CommitId.of(result.get("reference").asText());
    }

    public CommitId createBranch(RepositoryId repository, BranchId branch, String source) {
        String body = JSON.createObjectNode().put("name", branch.value()).put("source", source).toString();
        String id = sendText(request("/repositories/" + repository + "/branches")
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json"), 201);
        return CommitId.of(id.trim());
    }

    public void deleteBranch(RepositoryId repository, BranchId branch) {
        send(request("/repositories/" + repository + "/branches/" + branch).DELETE(), 204);
    }

    /** Points {@code branch} at {@code ref} (lakeFS's experimental hard reset). */
    public void hardReset(RepositoryId repository, BranchId branch, String ref) {
        send(request("/repositories/" + repository + "/branches/" + branch + "/hard_reset?ref=" + encode(ref))
                .PUT(HttpRequest.BodyPublishers.noBody()), 204);
    }

    /** Tags {@code ref} (a commit ID or branch) as {@code tag}; lakeFS refuses an existing tag (409). */
    public CommitId createTag(RepositoryId repository, String tag, String ref) {
        String body = JSON.createObjectNode().put("id", tag).put("ref", ref).toString();
        return CommitId.of(send(request("/repositories/" + repository + "/tags")
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json"), 201)
                .get("commit_id").asText());
    }

    /** The commit {@code tag} names. */
    public CommitId tag(RepositoryId repository, String tag) {
        return CommitId.of(send(request("/repositories/" + repository + "/tags/" + encode(tag)).GET(), 200)
                .get("commit_id").asText());
    }

    public void deleteTag(RepositoryId repository, String tag) {
        send(request("/repositories/" + repository + "/tags/" + encode(tag)).DELETE(), 204);
    }

    public CommitId head(RepositoryId repository, BranchId branch) {
        return CommitId.of(send(request("/repositories/" + repository + "/branches/" + branch).GET(), 200)
                .get("commit_id").asText());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", authorization);
    }

    private JsonNode send(HttpRequest.Builder request, int expected) {
        String body = sendText(request, expected);
        try {
            return body.isEmpty() ? JSON.nullNode() : JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("lakeFS answered something that is not JSON: " + body, e);
        }
    }

    private String sendText(HttpRequest.Builder request, int expected) {
        HttpRequest built = request.build();
        try {
            HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != expected) {
                throw new IllegalStateException(built.method() + " " + built.uri().getPath() + " answered "
                        + response.statusCode() + " (expected " + expected + "): " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(built.method() + " " + built.uri().getPath() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
