package io.lakemirror.lakefs.auth.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakemirror.auth.AuthFlavour;
import io.lakemirror.auth.CallerDirectory;
import io.lakemirror.auth.Grants;
import io.lakemirror.config.Secret;
import io.lakemirror.domain.CorruptDataException;
import io.lakemirror.domain.NonRetryableException;
import io.lakemirror.domain.RetryableException;
import io.lakemirror.lakefs.Policy;
import io.lakemirror.lakefs.Statement;
import io.lakemirror.lakefs.User;
import io.lakemirror.lakefs.UserId;
import io.lakemirror.lakefs.policy.Acl;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Callers and their policies read from lakeFS's external auth service ({@code auth.mode auth_service}), the
 * contract of lakeFS's {@code api/authorization.yml}, as lakeFS's own auth client calls it: a bearer JWT
 * ({@link AuthServiceToken}, or {@code auth.api.token}), {@code GET /auth/credentials/{key}} (the secret comes
 * back in clear and is compared here), {@code GET /auth/users/{id}} and
 * {@code GET /auth/users/{id}/policies?effective=true} paged by {@code next_offset}. A policy with an
 * {@code acl} (lakeFS's simplified mode, served by lakeFS's ACL server) counts as its ACL level's statements.
 * One pooled HTTP client with short timeouts serves every call.
 */
public final class AuthServiceDirectory implements CallerDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(AuthServiceDirectory.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PAGE = 1000;

    private final URI endpoint;
    private final String authorization;
    private final Duration timeout;
    private final ExecutorService executor;
    private final HttpClient http;
    private volatile boolean sawAcl;

    /**
     * @param endpoint the auth service with its base path ({@code auth.api.endpoint}, for example
     *                 {@code http://auth:8000/api/v1})
     * @param token    the bearer token: {@code auth.api.token}, or {@link AuthServiceToken#sign}
     * @param timeout  connect and request timeout of each call
     */
    public AuthServiceDirectory(URI endpoint, Secret token, Duration timeout) {
        String base = endpoint.toString();
        this.endpoint = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
        this.authorization = "Bearer " + token.reveal();
        this.timeout = timeout;
        this.executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "auth-service-client");
            t.setDaemon(true);
            return t;
        });
        this.http = HttpClient.newBuilder().connectTimeout(timeout).executor(executor).build();
    }

    @Override
    public Optional<User> authenticate(String accessKeyId, Secret secretAccessKey) {
        Optional<JsonNode> credentials = get("/auth/credentials/" + encode(accessKeyId), "the credentials of an access key");
        if (credentials.isEmpty()) {
            return Optional.empty();
        }
        String secret = text(credentials.get(), "secret_access_key");
        if (!MessageDigest.isEqual(secret.getBytes(StandardCharsets.UTF_8),
                secretAccessKey.reveal().getBytes(StandardCharsets.UTF_8))) {
            return Optional.empty();
        }
        String userName = credentials.get().path("user_name").asText("");
        if (userName.isEmpty()) {
            // Older auth services name only the deprecated numeric user_id; lakeFS then looks the user up by id.
            userName = get("/auth/users?id=" + credentials.get().path("user_id").asLong() + "&amount=1", "a user by id")
                    .map(list -> list.path("results").path(0).path("username").asText(""))
                    .orElse("");
            if (userName.isEmpty()) {
                return Optional.empty();
            }
        }
        String name = userName;
        return get("/auth/users/" + encode(name), "a user").map(u -> new User(UserId.of(u.path("username").asText(name)),
                Instant.ofEpochSecond(u.path("creation_date").asLong()),
                Optional.of(u.path("friendly_name").asText("")).filter(s -> !s.isEmpty()),
                Optional.of(u.path("email").asText("")).filter(s -> !s.isEmpty())));
    }

    @Override
    public Grants grantsOf(UserId user) {
        List<Policy> policies = new ArrayList<>();
        String after = "";
        while (true) {
            Optional<JsonNode> page = get("/auth/users/" + encode(user.value()) + "/policies?effective=true&amount=" + PAGE
                    + "&after=" + encode(after), "a user's effective policies");
            if (page.isEmpty()) {
                return new Grants.Policies(List.of());
            }
            for (JsonNode p : page.get().path("results")) {
                policy(p).ifPresent(policies::add);
            }
            JsonNode pagination = page.get().path("pagination");
            String next = pagination.path("next_offset").asText("");
            if (!pagination.path("has_more").asBoolean(false) || next.isEmpty() || next.equals(after)) {
                return new Grants.Policies(policies);
            }
            after = next;
        }
    }

    private Optional<Policy> policy(JsonNode p) {
        String name = p.path("name").asText();
        String acl = p.path("acl").asText("");
        if (!acl.isEmpty()) {
            sawAcl = true;
            return Optional.of(Acl.fromStoredAcl(name, acl));
        }
        List<Statement> statements = new ArrayList<>();
        for (JsonNode s : p.path("statement")) {
            List<String> actions = new ArrayList<>();
            s.path("action").forEach(a -> actions.add(a.asText()));
            Map<String, Map<String, List<String>>> conditions = new LinkedHashMap<>();
            s.path("condition").fields().forEachRemaining(op -> {
                Map<String, List<String>> fields = new LinkedHashMap<>();
                op.getValue().fields().forEachRemaining(f -> {
                    List<String> values = new ArrayList<>();
                    f.getValue().forEach(v -> values.add(v.asText()));
                    fields.put(f.getKey(), values);
                });
                conditions.put(op.getKey(), fields);
            });
            statements.add(new Statement(Statement.Effect.fromWire(s.path("effect").asText()), actions,
                    s.path("resource").asText(), conditions));
        }
        return statements.isEmpty() ? Optional.empty() : Optional.of(new Policy(name, Optional.empty(), statements));
    }

    @Override
    public AuthFlavour flavour() {
        return sawAcl ? AuthFlavour.SIMPLIFIED : AuthFlavour.RBAC;
    }

    @Override
    public String describe() {
        return "auth_service: lakeFS's external auth service at " + endpoint;
    }

    /** The JSON body of a 200, empty for a 404; anything else fails. */
    private Optional<JsonNode> get(String path, String what) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint + path)).timeout(timeout)
                .header("Authorization", authorization).header("Accept", "application/json").GET().build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new RetryableException("the auth service at " + endpoint + " did not answer a request for " + what
                    + " (" + e + "); the request can be retried", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetryableException("interrupted while asking the auth service for " + what, e);
        }
        int status = response.statusCode();
        if (status == 404) {
            return Optional.empty();
        }
        if (status == 401 || status == 403) {
            LOG.error("the auth service at {} refused the replication service's token ({}): auth.encrypt.secret_key"
                    + " (or auth.api.token) must be lakeFS's", endpoint, status);
            throw new NonRetryableException("the auth service refused the replication service's token (HTTP " + status
                    + "): set auth.encrypt.secret_key to lakeFS's own, or auth.api.token to a token the auth service accepts");
        }
        if (status != 200) {
            throw new RetryableException("the auth service at " + endpoint + " answered " + status + " to a request for "
                    + what + "; the request can be retried");
        }
        try {
            return Optional.of(JSON.readTree(response.body()));
        } catch (IOException e) {
            throw new CorruptDataException("the auth service at " + endpoint + " answered a request for " + what
                    + " with something that is not JSON; check that auth.api.endpoint names the auth service", e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new CorruptDataException("the auth service's answer lacks the field " + field + "; it does not follow"
                    + " lakeFS's authorization.yml");
        }
        return v.asText();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
