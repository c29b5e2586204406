package io.lakemirror.lakefs.sdk;

import io.lakefs.clients.sdk.ApiClient;
import io.lakefs.clients.sdk.ApiException;
import io.lakefs.clients.sdk.AuthApi;
import io.lakefs.clients.sdk.InternalApi;
import io.lakefs.clients.sdk.model.Group;
import io.lakefs.clients.sdk.model.GroupList;
import io.lakefs.clients.sdk.model.LoginConfig;
import io.lakemirror.auth.AuthFlavour;
import io.lakemirror.auth.CallerDirectory;
import io.lakemirror.auth.Grants;
import io.lakemirror.config.Secret;
import io.lakemirror.domain.AuthenticationException;
import io.lakemirror.domain.NonRetryableException;
import io.lakemirror.domain.NotImplementedException;
import io.lakemirror.domain.RetryableException;
import io.lakemirror.lakefs.LakeFs;
import io.lakemirror.lakefs.Page;
import io.lakemirror.lakefs.PageRequest;
import io.lakemirror.lakefs.Policy;
import io.lakemirror.lakefs.User;
import io.lakemirror.lakefs.UserId;
import io.lakemirror.lakefs.policy.Acl;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Callers and their policies read through lakeFS's REST API ({@code auth.mode lakefs_api}): a caller's keys are
 * checked with {@code GET /user}; how lakeFS authorizes comes from its unauthenticated
 * {@code GET /setup_lakefs} ({@code login_config.RBAC}); policies with the replication user's keys, from
 * {@code listUserPolicies?effective=true} (needs {@code auth:ReadUser}) or, on simplified lakeFS, from the
 * user's groups and their ACLs ({@code auth:ReadUser}, {@code auth:ReadGroup}, {@code auth:ReadPolicy}). A 501
 * is never read as "allowed": only {@code RBAC: none} (OSS lakeFS's basic auth) grants everything.
 */
public final class LakeFsApiCallerDirectory implements CallerDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(LakeFsApiCallerDirectory.class);

    private final URI endpoint;
    private final LakeFs service;
    private final AuthApi auth;
    private final InternalApi internal;
    private final SdkCredentialsCheck callers;
    private volatile AuthFlavour flavour;

    /**
     * @param endpoint this region's lakeFS (its base URL, without {@code /api/v1})
     * @param service  a client with the replication user's keys
     */
    public LakeFsApiCallerDirectory(URI endpoint, LakeFs service, String accessKeyId, Secret secretAccessKey) {
        this(endpoint, service, accessKeyId, secretAccessKey, Duration.ofSeconds(5));
    }

    /**
     * @param endpoint           this region's lakeFS (its base URL, without {@code /api/v1})
     * @param service            a client with the replication user's keys
     * @param callerCheckTimeout the longest one check of a caller's keys may take ({@code api.auth_timeout})
     */
    public LakeFsApiCallerDirectory(URI endpoint, LakeFs service, String accessKeyId, Secret secretAccessKey,
                                    Duration callerCheckTimeout) {
        this.callers = SdkCredentialsCheck.create(endpoint, callerCheckTimeout);
        this.endpoint = endpoint;
        this.service = service;
        OkHttpClient http = new OkHttpClient.Builder().connectTimeout(Duration.ofSeconds(5)).readTimeout(Duration.ofSeconds(10))
                .build();
        ApiClient client = new ApiClient(http);
        client.setBasePath(endpoint.toString().replaceAll("/+$", "") + "/api/v1");
        client.setUsername(accessKeyId);
        client.setPassword(secretAccessKey.reveal());
        client.setUserAgent("lakemirror");
        this.auth = new AuthApi(client);
        this.internal = new InternalApi(client);
    }

    @Override
    public Optional<User> authenticate(String accessKeyId, Secret secretAccessKey) {
        // One pooled client with a short timeout for every caller (not a client per request).
        return callers.userOf(accessKeyId, secretAccessKey);
    }

    @Override
    public void close() {
        callers.close();
    }

    @Override
    public Grants grantsOf(UserId user) {
        return switch (flavour()) {
            case BASIC -> new Grants.Everything("lakeFS reports auth.ui_config.rbac none (OSS lakeFS, basic auth)");
            case SIMPLIFIED -> new Grants.Policies(aclPolicies(user));
            case RBAC -> new Grants.Policies(effectivePolicies(user));
        };
    }

    private List<Policy> effectivePolicies(UserId user) {
        try {
            return Page.all(after -> service.effectivePolicies(user, PageRequest.largest().after(after))).toList();
        } catch (NotImplementedException e) {
            throw new RetryableException("lakeFS at " + endpoint + " reports RBAC but answered 501 to listUserPolicies;"
                    + " nobody is allowed until it serves policies", e);
        } catch (AuthenticationException | io.lakemirror.domain.AuthorizationException e) {
            // lakeFS answers 401 to a missing permission: the replication user's, not the caller's.
            throw new NonRetryableException("lakeFS at " + endpoint + " refused to list the policies of " + user
                    + " to the replication user: in auth.mode lakefs_api it needs auth:ReadUser (" + e.getMessage() + ")", e);
        }
    }

    private List<Policy> aclPolicies(UserId user) {
        List<Policy> out = new ArrayList<>();
        try {
            String after = "";
            while (true) {
                GroupList groups = auth.listUserGroups(user.value()).after(after).amount(1000).execute();
                for (Group g : groups.getResults()) {
                    String group = g.getId();
                    try {
                        String permission = auth.getGroupACL(group).execute().getPermission();
                        Acl.Level.fromWire(permission).ifPresent(level -> out.add(Acl.policy(group, level)));
                    } catch (ApiException e) {
                        if (e.getCode() != 404) {
                            throw e;
                        }
                        // A group without an ACL allows nothing (lakeFS answers 404 "no ACL").
                    }
                }
                if (!groups.getPagination().getHasMore()) {
                    return out;
                }
                after = groups.getPagination().getNextOffset();
            }
        } catch (ApiException e) {
            throw translate(e, "read the groups and ACLs of user " + user);
        }
    }

    @Override
    public AuthFlavour flavour() {
        if (flavour == null) {
            try {
                LoginConfig login = internal.getSetupState().execute().getLoginConfig();
                String rbac = login == null || login.getRBAC() == null ? "" : login.getRBAC().getValue();
                flavour = switch (rbac) {
                    case "none" -> AuthFlavour.BASIC;
                    case "simplified" -> AuthFlavour.SIMPLIFIED;
                    case "external", "internal" -> AuthFlavour.RBAC;
                    default -> throw new RetryableException("lakeFS at " + endpoint + " does not say how it authorizes"
                            + " (GET /setup_lakefs has no login_config.RBAC); nobody is allowed until it does");
                };
                LOG.info("lakeFS at {} authorizes with {}", endpoint, flavour.description());
            } catch (ApiException e) {
                throw translate(e, "read lakeFS's setup state");
            }
        }
        return flavour;
    }

    private RuntimeException translate(ApiException e, String what) {
        String message = "cannot " + what + " at " + endpoint + " (HTTP " + e.getCode() + ")";
        return switch (e.getCode()) {
            case 401, 403 -> new NonRetryableException(message + ": in auth.mode lakefs_api the replication user needs"
                    + " auth:ReadUser (and auth:ReadGroup, auth:ReadPolicy on simplified lakeFS)");
            case 501 -> new NotImplementedException(message);
            default -> new RetryableException(message + "; retry later", e);
        };
    }

    @Override
    public String describe() {
        return "lakefs_api: lakeFS's REST API at " + endpoint;
    }
}
