package io.lakemirror.testserver.http;

import io.lakemirror.domain.InvalidInputException;
import io.lakemirror.lakefs.Policy;
import io.lakemirror.lakefs.Statement;
import io.lakemirror.lakefs.UserId;
import io.lakemirror.lakefs.policy.Actions;
import io.lakemirror.lakefs.policy.Arn;
import io.lakemirror.lakefs.policy.Arns;
import io.lakemirror.lakefs.policy.Permission;
import io.lakemirror.testserver.auth.AuthStore;
import io.lakemirror.testserver.model.Paged;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * {@code GET /user} and the RBAC management APIs (users, credentials, groups, policies). Without
 * RBAC these answer 501 {@code Not Implemented}, as OSS lakeFS does.
 */
final class AuthRoutes {
    private static final Pattern ACTION = Pattern.compile("^(\\*|(fs|auth|ci|retention|branches|pr|catalog):[A-Za-z*?]+)$");

    private final ApiContext api;

    AuthRoutes(ApiContext api) {
        this.api = api;
    }

    void mount(Router r) {
        r.get("/user").handler(this::currentUser);
        r.get("/setup_lakefs").handler(this::setupState);
        r.get("/auth/groups/:groupId/acl").handler(this::getGroupAcl);

        r.get("/auth/users").handler(this::listUsers);
        r.post("/auth/users").handler(this::createUser);
        r.get("/auth/users/:userId").handler(this::getUser);
        r.delete("/auth/users/:userId").handler(this::deleteUser);
        r.get("/auth/users/:userId/credentials").handler(this::listCredentials);
        r.post("/auth/users/:userId/credentials").handler(this::createCredentials);
        r.delete("/auth/users/:userId/credentials/:accessKeyId").handler(this::deleteCredentials);
        r.get("/auth/users/:userId/policies").handler(this::listUserPolicies);
        r.put("/auth/users/:userId/policies/:policyId").handler(this::attachToUser);
        r.delete("/auth/users/:userId/policies/:policyId").handler(this::detachFromUser);
        r.get("/auth/users/:userId/groups").handler(this::listUserGroups);

        r.get("/auth/policies").handler(this::listPolicies);
        r.post("/auth/policies").handler(this::createPolicy);
        r.get("/auth/policies/:policyId").handler(this::getPolicy);
        r.put("/auth/policies/:policyId").handler(this::updatePolicy);
        r.delete("/auth/policies/:policyId").handler(this::deletePolicy);

        r.get("/auth/groups").handler(this::listGroups);
        r.post("/auth/groups").handler(this::createGroup);
        r.get("/auth/groups/:groupId").handler(this::getGroup);
        r.delete("/auth/groups/:groupId").handler(this::deleteGroup);
        r.get("/auth/groups/:groupId/members").handler(this::listMembers);
        r.put("/auth/groups/:groupId/members/:userId").handler(this::addMember);
        r.delete("/auth/groups/:groupId/members/:userId").handler(this::removeMember);
        r.get("/auth/groups/:groupId/policies").handler(this::listGroupPolicies);
        r.put("/auth/groups/:groupId/policies/:policyId").handler(this::attachToGroup);
        r.delete("/auth/groups/:groupId/policies/:policyId").handler(this::detachFromGroup);
    }

    /** 200 with the Go zero-value user when the request carries no credentials, as lakeFS answers. */
    private void currentUser(RoutingContext ctx) {
        JsonObject user = Requests.user(ctx).map(Shapes::user).orElseGet(Shapes::emptyUser);
        Responses.json(ctx, 200, new JsonObject().put("user", user));
    }

    /**
     * lakeFS's setup state, unauthenticated: {@code login_config.RBAC} says how it authorizes ({@code none} for OSS
     * basic auth, {@code simplified}, {@code external}).
     */
    private void setupState(RoutingContext ctx) {
        String rbac = switch (api.authorizer().flavour()) {
            case BASIC -> "none";
            case SIMPLIFIED -> "simplified";
            case RBAC -> "external";
        };
        Responses.json(ctx, 200, new JsonObject().put("state", "initialized").put("comm_prefs_missing", false)
                .put("login_config", new JsonObject().put("RBAC", rbac).put("login_url", "/auth/login")
                        .put("login_failed_message", "").put("login_cookie_names", new JsonArray().add("internal_auth_session"))
                        .put("logout_url", "/logout")));
    }

    /** A simplified-mode group's ACL level, as lakeFS serves it (404 when the group's one policy holds none). */
    private void getGroupAcl(RoutingContext ctx) {
        String id = Requests.path(ctx, "groupId");
        api.authorize(ctx, Permission.allOf(Permission.of("auth:ReadGroup", Arns.group(id)),
                Permission.of(Actions.READ_POLICY, Arns.policy(io.lakemirror.lakefs.policy.Acl.policyName(id)))));
        api.authorizer().requireRbacApis();
        var policies = store().policiesOfGroup(id);
        var acl = policies.size() == 1 ? store().aclOf(policies.firstKey()) : Optional.<io.lakemirror.lakefs.policy.Acl.Level>empty();
        if (acl.isEmpty()) {
            Responses.json(ctx, 404, new JsonObject().put("message", "Policy attached to group has no ACL").put("no_acl", true));
            return;
        }
        Responses.json(ctx, 200, new JsonObject().put("permission", acl.get().wire()));
    }

    /** Authorizes, then refuses in OSS mode: lakeFS checks permissions before its auth service says 501. */
    private AuthStore.UserRecord allow(RoutingContext ctx, Permission permission) {
        AuthStore.UserRecord user = api.authorize(ctx, permission);
        api.authorizer().requireRbacApis();
        return user;
    }

    private AuthStore store() {
        return api.authStore();
    }

    // ---- users

    private void listUsers(RoutingContext ctx) {
        String prefix = Requests.query(ctx, "prefix", "");
        String after = Requests.query(ctx, "after", "");
        int amount = Requests.amount(ctx);
        allow(ctx, Permission.of(Actions.LIST_USERS, "*"));
        Responses.json(ctx, 200, Shapes.list(store().listUsers(prefix, after, amount), Shapes::user));
    }

    private void createUser(RoutingContext ctx) {
        JsonObject body = Requests.body(ctx);
        String id = Requests.requiredString(body, "id");
        boolean invite = Requests.optionalBool(body, "invite_user", false);
        allow(ctx, Permission.of(Actions.CREATE_USER, Arns.user(id)));
        AuthStore.UserRecord user = store().createUser(UserId.of(id), invite ? Optional.of(id) : Optional.empty());
        Responses.json(ctx, 201, Shapes.user(user));
    }

    private void getUser(RoutingContext ctx) {
        String id = Requests.path(ctx, "userId");
        allow(ctx, Permission.of(Actions.READ_USER, Arns.user(id)));
        Responses.json(ctx, 200, Shapes.user(store().user(id)));
    }

    private void deleteUser(RoutingContext ctx) {
        String id = Requests.path(ctx, "userId");
        allow(ctx, Permission.of(Actions.DELETE_USER, Arns.user(id)));
        store().deleteUser(id);
        Responses.noContent(ctx);
    }

    private void listCredentials(RoutingContext ctx) {
        String id = Requests.path(ctx, "userId");
        String after = Requests.query(ctx, "after", "");
        int amount = Requests.amount(ctx);
        allow(ctx, Permission.of("auth:ListCredentials", Arns.user(id)));
        TreeMap<String, AuthStore.Credential> byKey = new TreeMap<>();
        store().credentialsOf(id).forEach(c -> byKey.put(c.accessKeyId(), c));
        Responses.json(ctx, 200, Shapes.list(Paged.of(byKey, "", after, amount), c -> Shapes.credentials(c, false)));
    }

    private void createCredentials(RoutingContext ctx) {
        String id = Requests.path(ctx, "userId");
        allow(ctx, Permission.of(Actions.CREATE_CREDENTIALS, Arns.user(id)));
        AuthStore.Credential c = store().createCredentials(id, Optional.empty(), Optional.empty());
        Responses.json(ctx, 201, Shapes.credentials(c, true));
    }

    private void deleteCredentials(RoutingContext ctx) {
        String id = Requests.path(ctx, "userId");
        String key = Requests.path(ctx, "accessKeyId");
        allow(ctx, Permission.of("auth:DeleteCredentials", Arns.user(id)));
        store().deleteCredentials(id, key);
        Responses.noContent(ctx);
    }

    /** lakeFS builds this pagination itself, with {@code max_per_page} 0. */
    private void listUserPolicies(RoutingContext ctx) {
        api.authorizer().requirePolicyApis();
        String id = Requests.path(ctx, "userId");
        String prefix = Requests.query(ctx, "prefix", "");
        String after = Requests.query(ctx, "after", "");
        int amount = Requests.amount(ctx);
        boolean effective = Requests.bool(ctx, "effective", false);
        allow(ctx, Permission.of(Actions.READ_USER, Arns.user(id)));
        Paged<Policy> page = Paged.of(store().policiesOf(id, effective), prefix, after, amount);
        JsonArray results = new JsonArray();
        page.results().forEach(p -> results.add(Shapes.policy(p)));
        Responses.json(ctx, 200, new JsonObject()
                .put("pagination", Shapes.pagination(page.hasMore(), page.nextOffset(), page.results().size(), 0))
                .put("results", results));
    }

    private void attachToUser(RoutingContext ctx) {
        api.authorizer().requirePolicyApis();
        String id = Requests.path(ctx, "userId");
        String policy = Requests.path(ctx, "policyId");
        allow(ctx, Permission.of(Actions.ATTACH_POLICY, Arns.user(id)));
        store().attachToUser(id, policy);
        ctx.response().setStatusCode(201).end();
    }

    private void detachFromUser(RoutingContext ctx) {
        api.authorizer().requirePolicyApis();
        String id = Requests.path(ctx, "userId");
        String policy = Requests.path(ctx, "policyId");
        allow(ctx, Permission.of("auth:DetachPolicy", Arns.user(id)));
        store().detachFromUser(id, policy);
        Responses.noContent(ctx);
    }

    private void listUserGroups(RoutingContext ctx) {
        String id = Requests.path(ctx, "userId");
        allow(ctx, Permission.of(Actions.READ_USER, Arns.user(id)));
        TreeMap<String, AuthStore.Group> groups = new TreeMap<>();
        store().groupsOf(id).forEach(g -> groups.put(g.id(), g));
        Responses.json(ctx, 200, Shapes.list(Paged.of(groups, "", "", Requests.MAX_AMOUNT), Shapes::group));
    }

    // ---- policies

    private void listPolicies(RoutingContext ctx) {
        String prefix = Requests.query(ctx, "prefix", "");
        String after = Requests.query(ctx, "after", "");
        int amount = Requests.amount(ctx);
        allow(ctx, Permission.of(Actions.LIST_POLICIES, "*"));
        Responses.json(ctx, 200, Shapes.list(store().listPolicies(prefix, after, amount), Shapes::policy));
    }

    private void createPolicy(RoutingContext ctx) {
        Policy policy = policy(Requests.body(ctx), Optional.empty());
        allow(ctx, Permission.of(Actions.CREATE_POLICY, Arns.policy(policy.id())));
        Responses.json(ctx, 201, Shapes.policy(store().createPolicy(policy)));
    }

    private void getPolicy(RoutingContext ctx) {
        String id = Requests.path(ctx, "policyId");
        allow(ctx, Permission.of(Actions.READ_POLICY, Arns.policy(id)));
        Responses.json(ctx, 200, Shapes.policy(store().policy(id)));
    }

    private void updatePolicy(RoutingContext ctx) {
        String id = Requests.path(ctx, "policyId");
        Policy policy = policy(Requests.body(ctx), Optional.of(id));
        allow(ctx, Permission.of(Actions.UPDATE_POLICY, Arns.policy(id)));
        Responses.json(ctx, 200, Shapes.policy(store().updatePolicy(policy)));
    }

    private void deletePolicy(RoutingContext ctx) {
        String id = Requests.path(ctx, "policyId");
        allow(ctx, Permission.of(Actions.DELETE_POLICY, Arns.policy(id)));
        store().deletePolicy(id);
        Responses.noContent(ctx);
    }

    // ---- groups

    private void listGroups(RoutingContext ctx) {
        String prefix = Requests.query(ctx, "prefix", "");
        String after = Requests.query(ctx, "after", "");
        int amount = Requests.amount(ctx);
        allow(ctx, Permission.of("auth:ListGroups", "*"));
        Responses.json(ctx, 200, Shapes.list(store().listGroups(prefix, after, amount), Shapes::group));
    }

    private void createGroup(RoutingContext ctx) {
        String id = Requests.requiredString(Requests.body(ctx), "id");
        allow(ctx, Permission.of("auth:CreateGroup", Arns.group(id)));
        Responses.json(ctx, 201, Shapes.group(store().createGroup(id)));
    }

    private void getGroup(RoutingContext ctx) {
        String id = Requests.path(ctx, "groupId");
        allow(ctx, Permission.of("auth:ReadGroup", Arns.group(id)));
        Responses.json(ctx, 200, Shapes.group(store().group(id)));
    }

    private void deleteGroup(RoutingContext ctx) {
        String id = Requests.path(ctx, "groupId");
        allow(ctx, Permission.of("auth:DeleteGroup", Arns.group(id)));
        store().deleteGroup(id);
        Responses.noContent(ctx);
    }

    private void listMembers(RoutingContext ctx) {
        String id = Requests.path(ctx, "groupId");
        allow(ctx, Permission.of("auth:ReadGroup", Arns.group(id)));
        TreeMap<String, AuthStore.UserRecord> members = new TreeMap<>();
        store().members(id).forEach(u -> members.put(u.id().value(), u));
        Responses.json(ctx, 200, Shapes.list(Paged.of(members, "", "", Requests.MAX_AMOUNT), Shapes::user));
    }

    private void addMember(RoutingContext ctx) {
        String group = Requests.path(ctx, "groupId");
        String user = Requests.path(ctx, "userId");
        allow(ctx, Permission.of("auth:AddGroupMember", Arns.group(group)));
        store().addMember(group, user);
        ctx.response().setStatusCode(201).end();
    }

    private void removeMember(RoutingContext ctx) {
        String group = Requests.path(ctx, "groupId");
        String user = Requests.path(ctx, "userId");
        allow(ctx, Permission.of("auth:RemoveGroupMember", Arns.group(group)));
        store().removeMember(group, user);
        Responses.noContent(ctx);
    }

    private void listGroupPolicies(RoutingContext ctx) {
        api.authorizer().requirePolicyApis();
        String id = Requests.path(ctx, "groupId");
        allow(ctx, Permission.of("auth:ReadGroup", Arns.group(id)));
        Responses.json(ctx, 200, Shapes.list(Paged.of(store().policiesOfGroup(id), "", "", Requests.MAX_AMOUNT),
                Shapes::policy));
    }

    private void attachToGroup(RoutingContext ctx) {
        String group = Requests.path(ctx, "groupId");
        String policy = Requests.path(ctx, "policyId");
        allow(ctx, Permission.of(Actions.ATTACH_POLICY, Arns.group(group)));
        store().attachToGroup(group, policy);
        ctx.response().setStatusCode(201).end();
    }

    private void detachFromGroup(RoutingContext ctx) {
        String group = Requests.path(ctx, "groupId");
        String policy = Requests.path(ctx, "policyId");
        allow(ctx, Permission.of("auth:DetachPolicy", Arns.group(group)));
        store().detachFromGroup(group, policy);
        Responses.noContent(ctx);
    }

    /** A policy document from a request body, validated as lakeFS validates it. */
    static Policy policy(JsonObject body, Optional<String> pathId) {
        String id = pathId.orElseGet(() -> Requests.requiredString(body, "id"));
        Object raw = body.getValue("statement");
        if (!(raw instanceof JsonArray array) || array.isEmpty()) {
            throw Requests.bodyError("doesn't match schema: property \"statement\" needs at least one statement");
        }
        List<Statement> statements = new ArrayList<>();
        for (Object item : array) {
            if (!(item instanceof JsonObject s)) {
                throw Requests.bodyError("doesn't match schema: statements must be objects");
            }
            statements.add(statement(s));
        }
        try {
            return new Policy(id, Optional.empty(), statements);
        } catch (InvalidInputException e) {
            throw Requests.bodyError(e.getMessage());
        }
    }

    private static Statement statement(JsonObject s) {
        String effect = Requests.requiredString(s, "effect");
        String resource = Requests.requiredString(s, "resource");
        List<String> actions = Requests.stringList(s, "action", true);
        if (actions.isEmpty()) {
            throw Requests.bodyError("doesn't match schema: property \"action\" needs at least one action");
        }
        for (String action : actions) {
            if (!ACTION.matcher(action).matches()) {
                throw Requests.bodyError("invalid action " + action + ": must be <service>:<name>"
                        + " with service fs, auth, ci, retention, branches, pr or catalog");
            }
        }
        Map<String, Map<String, List<String>>> conditions = new LinkedHashMap<>();
        JsonObject condition = s.getJsonObject("condition");
        if (condition != null) {
            for (String op : condition.fieldNames()) {
                Map<String, List<String>> fields = new LinkedHashMap<>();
                JsonObject byField = condition.getJsonObject(op);
                for (String field : byField.fieldNames()) {
                    fields.put(field, Requests.stringList(byField, field, true));
                }
                conditions.put(op, fields);
            }
        }
        try {
            Statement statement = new Statement(Statement.Effect.fromWire(effect), actions, resource, conditions);
            for (String r : statement.resources()) {
                if (!r.equals("*") && Arn.parse(r).isEmpty()) {
                    throw Requests.bodyError("invalid resource " + r + ": must be an ARN or *");
                }
            }
            return statement;
        } catch (InvalidInputException e) {
            throw Requests.bodyError(e.getMessage());
        }
    }
}
