package io.lakemirror.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * The replication REST API (docs/architecture.md §7) over the JDK's HTTP client, with HTTP Basic lakeFS keys.
 * An error answer becomes an {@link ApiException} with the API's own message; no answer at all an
 * {@link ApiUnreachableException}.
 */
public final class ApiClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final String authorization;
    private final Duration timeout;
    private final HttpClient http;

    /**
     * @param base ends with {@code /service/replication/v1}
     */
    public ApiClient(URI base, String accessKeyId, String secretAccessKey, Duration timeout) {
        this.base = base;
        this.authorization = "Basic " + Base64.getEncoder().encodeToString((accessKeyId + ":" + secretAccessKey)
                .getBytes(StandardCharsets.UTF_8));
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public URI base() {
        return base;
    }

    public JsonNode get(String path, Map<String, String> query) {
        return send("GET", path, query, Optional.empty());
    }

    public JsonNode post(String path, JsonNode body) {
        return send("POST", path, Map.of(), Optional.of(body));
    }

    public JsonNode patch(String path, JsonNode body) {
        return send("PATCH", path, Map.of(), Optional.of(body));
    }

    public JsonNode delete(String path) {
        return send("DELETE", path, Map.of(), Optional.empty());
    }

    /** Every item of a lakeFS-paginated list ({@code after} = {@code next_offset} while {@code has_more}). */
    public List<JsonNode> all(String path) {
        List<JsonNode> items = new ArrayList<>();
        String after = "";
        while (true) {
            JsonNode page = get(path, after.isEmpty() ? Map.of() : Map.of("after", after));
            page.path("results").forEach(items::add);
            JsonNode pagination = page.path("pagination");
            if (!pagination.path("has_more").asBoolean(false)) {
                return items;
            }
            after = pagination.path("next_offset").asText("");
            if (after.isEmpty()) {
                return items;
            }
        }
    }

    /** A path segment, escaped. */
    public static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private JsonNode send(String method, String path, Map<String, String> query, Optional<JsonNode> body) {
        StringJoiner params = new StringJoiner("&", "?", "");
        params.setEmptyValue("");
        query.forEach((k, v) -> params.add(segment(k) + "=" + segment(v)));
        URI uri = URI.create(base + path + params);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Authorization", authorization).header("Accept", "application/json");
        if (body.isPresent()) {
            request.header("Content-Type", "application/json").method(method,
                    HttpRequest.BodyPublishers.ofString(body.get().toString()));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new ApiUnreachableException("the replication API at " + base + " did not answer within "
                    + timeout.toSeconds() + " s", e);
        } catch (IOException e) {
            throw new ApiUnreachableException("cannot reach the replication API at " + base + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiUnreachableException("interrupted while calling the replication API", e);
        }
        JsonNode json = parse(response.body());
        if (response.statusCode() >= 400) {
            String message = json != null && json.hasNonNull("message") ? json.get("message").asText()
                    : "HTTP " + response.statusCode() + " without a message";
            Optional<String> correlation = Optional.ofNullable(json).map(j -> j.path("correlation_id").asText(null))
                    .or(() -> response.headers().firstValue("X-Correlation-ID"));
            throw new ApiException(response.statusCode(), message, correlation);
        }
        if (response.statusCode() >= 300) {
            throw new ApiException(response.statusCode(), "the API redirected to "
                    + response.headers().firstValue("Location").orElse("nowhere") + "; is --endpoint the replication"
                    + " service's URL?", Optional.empty());
        }
        return json == null ? JSON.createObjectNode() : json;
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    /** A pretty-printed JSON document. */
    public static String pretty(JsonNode node) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ArrayNode array(List<JsonNode> items) {
        ArrayNode array = JSON.createArrayNode();
        items.forEach(array::add);
        return array;
    }

    public static com.fasterxml.jackson.databind.node.ObjectNode object() {
        return JSON.createObjectNode();
    }
}
