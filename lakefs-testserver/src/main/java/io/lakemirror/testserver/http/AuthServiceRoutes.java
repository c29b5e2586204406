package io.lakemirror.testserver.http;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.SignedJWT;
import io.lakemirror.lakefs.Policy;
import io.lakemirror.testserver.auth.AuthStore;
import io.lakemirror.testserver.model.LakeFsError;
import io.lakemirror.testserver.model.Paged;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.util.Date;
import java.util.Optional;
import java.util.TreeMap;

/**
 * lakeFS's external auth service, the read side of {@code api/authorization.yml} that lakeFS's auth client (and
 * the replication service in {@code auth.mode auth_service}) calls: credentials with their secret, users, a user's
 * groups and (effective) policies, a group's policies, health and version. Every call but {@code /healthcheck}
 * needs the bearer JWT lakeFS signs with {@code auth.encrypt.secret_key} (HS256, audience {@code auth-client},
 * not expired); anything else is 401. Served under {@value #BASE_PATH} of the test server, from its own users.
 */
public final class AuthServiceRoutes {
    /** Where the auth service lives on the test server. */
    public static final String BASE_PATH = "/_auth/api/v1";

    private final AuthStore store;
    private final byte[] secret;
    private final Clock clock;

    public AuthServiceRoutes(AuthStore store, String encryptSecretKey, Clock clock) {
        this.store = store;
        this.secret = padded(encryptSecretKey.getBytes(StandardCharsets.UTF_8));
        this.clock = clock;
    }

    /** HMAC pads a key shorter than its block with zeros; the JWT library wants 256 bits at least, so pad to that. */
    private static byte[] padded(byte[] raw) {
        return raw.length >= 32 ? raw : java.util.Arrays.copyOf(raw, 32);
    }

    public void mount(Router r) {
        r.get("/healthcheck").handler(ctx -> ctx.response().setStatusCode(204).end());
        r.route().handler(this::requireToken);
        r.get("/config/version").handler(ctx -> Responses.json(ctx, 200, new JsonObject().put("version", "lakemirror-test")));
        r.get("/auth/credentials/:accessKeyId").handler(this::credentials);
        r.get("/auth/users").handler(this::listUsers);
        r.get("/auth/users/:userId").handler(this::user);
        r.get("/auth/users/:userId/groups").handler(this::userGroups);
        r.get("/auth/users/:userId/policies").handler(this::userPolicies);
        r.get("/auth/groups/:groupId/policies").handler(this::groupPolicies);
    }

    private void requireToken(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            Responses.json(ctx, 401, new JsonObject().put("message", "missing bearer token"));
            return;
        }
        try {
            SignedJWT jwt = SignedJWT.parse(header.substring(7).trim());
            var claims = jwt.getJWTClaimsSet();
            boolean valid = JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm())
                    && jwt.verify(new MACVerifier(secret))
                    && claims.getAudience().contains("auth-client")
                    && claims.getExpirationTime() != null && claims.getExpirationTime().after(Date.from(clock.instant()));
            if (!valid) {
                Responses.json(ctx, 401, new JsonObject().put("message", "invalid token"));
                return;
            }
        } catch (ParseException | com.nimbusds.jose.JOSEException e) {
            Responses.json(ctx, 401, new JsonObject().put("message", "invalid token"));
            return;
        }
        ctx.next();
    }

    private void credentials(RoutingContext ctx) {
        Optional<AuthStore.Credential> c = store.credential(Requests.path(ctx, "accessKeyId"));
        if (c.isEmpty()) {
            Responses.json(ctx, 404, new JsonObject().put("message", "credentials not found"));
            return;
        }
        Responses.json(ctx, 200, new JsonObject().put("access_key_id", c.get().accessKeyId())
                .put("secret_access_key", c.get().secretAccessKey())
                .put("creation_date", c.get().creationDate().getEpochSecond())
                .put("user_id", 0)
                .put("user_name", c.get().user().value()));
    }

    private static JsonObject user(AuthStore.UserRecord u) {
        JsonObject json = new JsonObject().put("username", u.id().value()).put("name", u.id().value())
                .put("creation_date", u.creationDate().getEpochSecond()).put("encryptedPassword", "");
        u.email().ifPresent(e -> json.put("email", e));
        u.friendlyName().ifPresent(n -> json.put("friendly_name", n));
        return json;
    }

    private void listUsers(RoutingContext ctx) {
        TreeMap<String, AuthStore.UserRecord> all = new TreeMap<>();
        store.listUsers("", "", Requests.MAX_AMOUNT).results().forEach(u -> all.put(u.id().value(), u));
        Responses.json(ctx, 200, Shapes.list(Paged.of(all, Requests.query(ctx, "prefix", ""), Requests.query(ctx, "after", ""),
                Requests.amount(ctx)), AuthServiceRoutes::user));
    }

    private void user(RoutingContext ctx) {
        try {
            Responses.json(ctx, 200, user(store.user(Requests.path(ctx, "userId"))));
        } catch (LakeFsError e) {
            Responses.json(ctx, 404, new JsonObject().put("message", "user not found"));
        }
    }

    private void userGroups(RoutingContext ctx) {
        TreeMap<String, AuthStore.Group> groups = new TreeMap<>();
        try {
            store.groupsOf(Requests.path(ctx, "userId")).forEach(g -> groups.put(g.id(), g));
        } catch (LakeFsError e) {
            Responses.json(ctx, 404, new JsonObject().put("message", "user not found"));
            return;
        }
        Responses.json(ctx, 200, Shapes.list(Paged.of(groups, "", Requests.query(ctx, "after", ""), Requests.amount(ctx)),
                g -> new JsonObject().put("id", g.id()).put("name", g.id()).put("creation_date", g.creationDate().getEpochSecond())));
    }

    private void userPolicies(RoutingContext ctx) {
        try {
            page(ctx, store.policiesOf(Requests.path(ctx, "userId"), Requests.bool(ctx, "effective", false)));
        } catch (LakeFsError e) {
            Responses.json(ctx, 404, new JsonObject().put("message", "user not found"));
        }
    }

    private void groupPolicies(RoutingContext ctx) {
        try {
            page(ctx, store.policiesOfGroup(Requests.path(ctx, "groupId")));
        } catch (LakeFsError e) {
            Responses.json(ctx, 404, new JsonObject().put("message", "group not found"));
        }
    }

    private void page(RoutingContext ctx, java.util.NavigableMap<String, Policy> policies) {
        Paged<Policy> page = Paged.of(policies, Requests.query(ctx, "prefix", ""), Requests.query(ctx, "after", ""),
                Requests.amount(ctx));
        JsonArray results = new JsonArray();
        for (Policy p : page.results()) {
            JsonObject json = Shapes.policy(p);
            json.put("name", json.remove("id"));
            store.aclOf(p.id()).ifPresent(level -> json.put("acl", level.wire()));
            results.add(json);
        }
        Responses.json(ctx, 200, new JsonObject()
                .put("pagination", Shapes.pagination(page.hasMore(), page.nextOffset(), page.results().size(), 1000))
                .put("results", results));
    }
}
