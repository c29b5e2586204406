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

/** The few lakeFS calls the world test makes as a lakeFS user would (upload, commit), over plain HTTP. */
final class LakeFsHttp {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI api;
    private final String authorization;

    LakeFsHttp(URI endpoint, String accessKeyId, String secretAccessKey) {
        this.api = URI.create(endpoint + "/api/v1");
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((accessKeyId + ":" + secretAccessKey).getBytes(StandardCharsets.UTF_8));
    }

    JsonNode createRepository(String name, String storageNamespace) {
        String body = JSON.createObjectNode().put("name", name).put("storage_namespace", storageNamespace)
                .put("default_branch", "main").toString();
        return send(request("/repositories").POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json"), 201);
    }

    JsonNode upload(String repository, String branch, String path, byte[] content) {
        return send(request("/repositories/" + repository + "/branches/" + branch + "/objects?path=" + encode(path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(content))
                .header("Content-Type", "application/octet-stream"), 201);
    }

    JsonNode commit(String repository, String branch, String message) {
        String body = JSON.createObjectNode().put("message", message).toString();
        return send(request("/repositories/" + repository + "/branches/" + branch + "/commits")
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json"), 201);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", authorization);
    }

    private JsonNode send(HttpRequest.Builder request, int expected) {
        HttpRequest built = request.build();
        try {
            HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != expected) {
                throw new IllegalStateException(built.method() + " " + built.uri() + " answered " + response.statusCode()
                        + " (expected " + expected + "): " + response.body());
            }
            return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(built.method() + " " + built.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
