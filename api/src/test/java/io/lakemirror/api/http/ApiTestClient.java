package io.lakemirror.api.http;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A Vert.x web client for API tests that waits for each response. */
public final class ApiTestClient implements AutoCloseable {
    private final Vertx vertx = Vertx.vertx();
    private final WebClient client;
    private final int port;

    public ApiTestClient(int port) {
        this.port = port;
        this.client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
    }

    /** A response: status, body as text, body as JSON when it is a JSON object. */
    public record Response(int status, String body, MultiMap headers) {
        public JsonObject json() {
            return new JsonObject(body);
        }

        public String message() {
            return json().getString("message");
        }
    }

    public Response send(HttpMethod method, String path, Optional<String[]> credentials, Optional<Buffer> body) {
        HttpRequest<Buffer> request = client.request(method, port, "127.0.0.1", path);
        credentials.ifPresent(c -> request.putHeader("Authorization", "Basic " + Base64.getEncoder()
                .encodeToString((c[0] + ":" + c[1]).getBytes(StandardCharsets.UTF_8))));
        Future<HttpResponse<Buffer>> sent;
        if (body.isPresent()) {
            request.putHeader("Content-Type", "application/json");
            sent = request.sendBuffer(body.get());
        } else {
            sent = request.send();
        }
        try {
            HttpResponse<Buffer> response = sent.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            return new Response(response.statusCode(), response.bodyAsString() == null ? "" : response.bodyAsString(),
                    response.headers());
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e, e);
        }
    }

    @Override
    public void close() {
        client.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
