package io.lakemirror.testserver;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/**
 * Plain HTTP calls to the test server, for checking exact wire shapes the SDK would hide. The server checks
 * its answers (not these requests) against lakeFS's spec ({@code SharedS3.server()} turns the check on).
 */
public final class Raw {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final URI base;
    private final Optional<String> authorization;

    private Raw(URI endpoint, Optional<String> authorization) {
        this.base = URI.create(endpoint + "/api/v1");
        this.authorization = authorization;
    }

    public static Raw as(URI endpoint, String accessKeyId, String secret) {
        String token = Base64.getEncoder().encodeToString((accessKeyId + ":" + secret).getBytes(StandardCharsets.UTF_8));
        return new Raw(endpoint, Optional.of("Basic " + token));
    }

    public static Raw admin(LakeFsTestServer server) {
        return as(server.endpoint(), server.adminAccessKeyId(), server.adminSecretAccessKey());
    }

    public static Raw anonymous(URI endpoint) {
        return new Raw(endpoint, Optional.empty());
    }

    /** A response. */
    public record Response(int status, String contentType, String body, HttpHeaders headers) {
        public JsonObject json() {
            return new JsonObject(body);
        }

        public JsonArray results() {
            return json().getJsonArray("results");
        }

        public String message() {
            return json().getString("message");
        }
    }

    public Response get(String path) {
        return send(request(path).GET());
    }

    public Response delete(String path) {
        return send(request(path).DELETE());
    }

    public Response post(String path, JsonObject body) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body == null ? "" : body.encode())));
    }

    public Response put(String path, JsonObject body) {
        return send(request(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body == null ? "" : body.encode())));
    }

    public Response postBytes(String path, String contentType, byte[] body) {
        return send(request(path).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    public Response send(String method, String path, String contentType, byte[] body) {
        HttpRequest.Builder b = request(path).method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return send(b);
    }

    public HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        authorization.ifPresent(a -> b.header("Authorization", a));
        // These tests send malformed requests on purpose: the server holds only its answers to lakeFS's spec.
        b.header(ServedExchange.RESPONSE_ONLY_HEADER, ServedExchange.RESPONSE_ONLY);
        return b;
    }

    public Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), r.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
