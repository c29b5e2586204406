package io.lakemirror.lakefs.sdk;

import com.google.gson.JsonParseException;
import com.google.gson.reflect.TypeToken;
import io.lakefs.clients.sdk.ApiClient;
import io.lakefs.clients.sdk.ApiException;
import io.lakefs.clients.sdk.model.CurrentUser;
import io.lakemirror.config.Secret;
import io.lakemirror.domain.InvalidInputException;
import io.lakemirror.lakefs.User;
import java.lang.reflect.Type;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.Credentials;
import okhttp3.OkHttpClient;

/**
 * Checks API callers' lakeFS keys with {@code GET /user} (who owns these keys), as {@code auth.mode
 * lakefs_api} does: one HTTP client with one connection pool for every caller, each request carrying
 * its caller's HTTP Basic header, and a short timeout for the whole call. Nothing is retried: a
 * caller whose check timed out may simply ask again. Thread-safe; {@link #close()} releases the pool.
 *
 * <p>Failures: a 401 (unknown key, wrong secret) is an empty answer; a 5xx, 429, timeout or I/O
 * error is a {@code RetryableException}; anything else the domain exception of its status.
 */
public final class SdkCredentialsCheck implements AutoCloseable {
    private static final Type CURRENT_USER = TypeToken.get(CurrentUser.class).getType();
    private static final int MAX_IDLE_CONNECTIONS = 32;

    private final String endpoint;
    private final OkHttpClient http;
    private final ApiClient client;

    private SdkCredentialsCheck(URI endpoint, Duration timeout) {
        this.endpoint = baseUrl(endpoint);
        Duration connect = timeout.compareTo(Duration.ofSeconds(5)) < 0 ? timeout : Duration.ofSeconds(5);
        this.http = new OkHttpClient.Builder()
                .connectionPool(new ConnectionPool(MAX_IDLE_CONNECTIONS, 1, TimeUnit.MINUTES))
                .connectTimeout(connect)
                .callTimeout(timeout)
                .retryOnConnectionFailure(false)
                .build();
        this.client = new ApiClient(http);
        client.setBasePath(this.endpoint + "/api/v1");
        client.setUserAgent("lakemirror");
    }

    /**
     * A checker of keys against the lakeFS at {@code endpoint} (its base URL, without {@code /api/v1}).
     *
     * @param timeout the longest one check may take, connecting included
     */
    public static SdkCredentialsCheck create(URI endpoint, Duration timeout) {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new InvalidInputException("the timeout of a credentials check must be positive, got " + timeout);
        }
        return new SdkCredentialsCheck(endpoint, timeout);
    }

    private static String baseUrl(URI endpoint) {
        if (!"http".equals(endpoint.getScheme()) && !"https".equals(endpoint.getScheme())) {
            throw new InvalidInputException("lakeFS endpoint " + endpoint + " must be an http or https URL");
        }
        String s = endpoint.toString().replaceAll("/+$", "");
        return s.endsWith("/api/v1") ? s.substring(0, s.length() - "/api/v1".length()) : s;
    }

    /** The user lakeFS says owns these keys; empty when lakeFS does not accept them. */
    public Optional<User> userOf(String accessKeyId, Secret secretAccessKey) {
        String what = "getCurrentUser(the caller's keys)";
        Map<String, String> headers = new HashMap<>();
        headers.put("Authorization", Credentials.basic(accessKeyId, secretAccessKey.reveal()));
        headers.put("Accept", "application/json");
        try {
            var call = client.buildCall(null, "/user", "GET", new ArrayList<>(), new ArrayList<>(), null, headers,
                    new HashMap<>(), new HashMap<>(), new String[0], null);
            CurrentUser answer = client.<CurrentUser>execute(call, CURRENT_USER).getData();
            return answer == null ? Optional.empty() : SdkModels.user(answer.getUser());
        } catch (ApiException e) {
            if (e.getCode() == 401) {
                return Optional.empty();
            }
            throw SdkErrors.translate(endpoint, what, e);
        } catch (JsonParseException | IllegalArgumentException | IllegalStateException e) {
            throw SdkErrors.unreadable(endpoint, what, e);
        }
    }

    /** Connections the pool holds now (idle or in use), for diagnostics and tests. */
    public int pooledConnections() {
        return http.connectionPool().connectionCount();
    }

    @Override
    public void close() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    @Override
    public String toString() {
        return "SdkCredentialsCheck[" + endpoint + "]";
    }
}
