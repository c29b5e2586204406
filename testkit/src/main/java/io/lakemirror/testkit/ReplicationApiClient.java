package io.lakemirror.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Objects;

/**
 * The replication service's REST API ({@code /service/replication/v1}) as a user calls it, over plain
 * HTTP with HTTP Basic lakeFS keys: what the sandbox demo, the lag benchmark and end-to-end tests use
 * to create and watch mirrors. Answers are the API's JSON as is.
 *
 * <pre>{@code
 * ReplicationApiClient api = new ReplicationApiClient(URI.create("http://127.0.0.1:18008"), keyId, secret);
 * JsonNode mirror = api.createMirror("sales", "sales-mirror", "eu-west-1", "s3://bucket-eu/sales");
 * api.mirror("sales", mirror.get("id").asText()).get("status");   // CREATING, then ACTIVE
 * }</pre>
 */
public final class ReplicationApiClient {
    /** The API's path prefix. */
    public static final String BASE_PATH = "/service/replication/v1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI endpoint;
    private final String authorization;

    /** @param endpoint the API's base URL, e.g. {@code http://127.0.0.1:8008} (without the path prefix) */
    public ReplicationApiClient(URI endpoint, String accessKeyId, String secretAccessKey) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((accessKeyId + ":" + secretAccessKey).getBytes(StandardCharsets.UTF_8));
    }

    public URI endpoint() {
        return endpoint;
    }

    /** {@code POST /repositories/{repo}/mirrors}: the new mirror (status CREATING). */
    public JsonNode createMirror(String sourceRepository, String name, String region, String storageNamespace) {
        String body = JSON.createObjectNode().put("name", name).put("region", region)
                .put("storage_namespace", storageNamespace).toString();
        return send(request(mirrorsPath(sourceRepository)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json"), 201);
    }

    /** {@code POST /repositories/{repo}/mirrors} with {@code mirror_tags}: the new mirror (status CREATING). */
    public JsonNode createMirror(String sourceRepository, String name, String region, String storageNamespace,
                                 boolean mirrorTags) {
        String body = JSON.createObjectNode().put("name", name).put("region", region)
                .put("storage_namespace", storageNamespace).put("mirror_tags", mirrorTags).toString();
        return send(request(mirrorsPath(sourceRepository)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json"), 201);
    }

    /** {@code PATCH /repositories/{repo}/mirrors/{id}} with {@code body} as given: the mirror as changed. */
    public JsonNode updateMirror(String sourceRepository, String mirrorId, String body) {
        return send(request(mirrorsPath(sourceRepository) + "/" + encode(mirrorId))
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json"), 200);
    }

    /** {@code GET /repositories/{repo}/mirrors/{id}}: the mirror with its status and per-branch state. */
    public JsonNode mirror(String sourceRepository, String mirrorId) {
        return send(request(mirrorsPath(sourceRepository) + "/" + encode(mirrorId)).GET(), 200);
    }

    /** {@code GET /repositories/{repo}/mirrors}: the first page of the repository's mirrors. */
    public JsonNode mirrors(String sourceRepository) {
        return send(request(mirrorsPath(sourceRepository)).GET(), 200);
    }

    /** {@code DELETE /repositories/{repo}/mirrors/{id}}: the mirror repository is removed asynchronously. */
    public void deleteMirror(String sourceRepository, String mirrorId) {
        sendText(request(mirrorsPath(sourceRepository) + "/" + encode(mirrorId)).DELETE(), 202, 204);
    }

    /** {@code GET /healthcheck} answered 2xx. */
    public boolean healthy() {
        HttpRequest request = HttpRequest.newBuilder(endpoint.resolve("/healthcheck")).timeout(Duration.ofSeconds(5)).GET().build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() / 100 == 2;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String mirrorsPath(String sourceRepository) {
        return BASE_PATH + "/repositories/" + encode(sourceRepository) + "/mirrors";
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(endpoint.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", authorization);
    }

    private JsonNode send(HttpRequest.Builder request, int expected) {
        String body = sendText(request, expected);
        try {
            return body.isEmpty() ? JSON.nullNode() : JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("the replication API answered something that is not JSON: " + body, e);
        }
    }

    private String sendText(HttpRequest.Builder request, int... expected) {
        HttpRequest built = request.build();
        try {
            HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString());
            for (int status : expected) {
                if (response.statusCode() == status) {
                    return response.body();
                }
            }
            throw new IllegalStateException(built.method() + " " + built.uri().getPath() + " answered "
                    + response.statusCode() + ": " + message(response.body()));
        } catch (IOException e) {
            throw new UncheckedIOException(built.method() + " " + built.uri() + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calling " + built.uri(), e);
        }
    }

    /** The {@code message} of a lakeFS-shaped error, else the body. */
    private static String message(String body) {
        try {
            JsonNode error = JSON.readTree(body);
            if (error != null && error.hasNonNull("message")) {
                return error.get("message").asText();
            }
        } catch (IOException e) {
            // not JSON: the body as is
        }
        return body;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public String toString() {
        return "ReplicationApiClient[" + endpoint + "]";
    }
}
