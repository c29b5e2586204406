package io.lakemirror.api;

import io.lakemirror.api.http.ApiServer;
import io.lakemirror.config.ReplicationConfig;
import io.lakemirror.domain.AuthenticationException;
import io.lakemirror.lakefs.LakeFs;
import io.lakemirror.runtime.Backends;
import io.lakemirror.runtime.Component;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.util.Optional;

/** Builds the REST API of this region on the process's backends. */
public final class ApiFactory {
    private ApiFactory() {
    }

    public static ApiServer create(Backends backends, PrometheusMeterRegistry metrics) {
        ReplicationConfig config = backends.config();
        URI authEndpoint = config.auth().apiEndpoint().orElse(config.regionalEndpoint());
        LakeFs service = backends.lakeFsClients().forEndpoint(authEndpoint);
        Authenticator authenticator = new Authenticator((accessKeyId, secret) -> {
            try (var callerClient = io.lakemirror.lakefs.sdk.SdkLakeFs.create(authEndpoint, accessKeyId, secret,
                    io.lakemirror.lakefs.sdk.SdkLakeFs.Settings.DEFAULTS.withMaxAttempts(1))) {
                return callerClient.currentUser();
            } catch (AuthenticationException e) {
                return Optional.empty();
            }
        }, config.auth().cacheEnabled(), config.auth().cacheSize(), config.auth().cacheTtl());
        Authorizer authorizer = new Authorizer(service, config.auth().cacheEnabled(), config.auth().cacheSize(),
                config.auth().cacheTtl());
        MirrorService mirrors = new MirrorService(config.region(), config.dstEndpoints(), backends.localLakeFs(),
                region -> config.lakeFsEndpoint(region).map(backends.lakeFsClients()::forEndpoint),
                backends.mirrorsDatabase(), authorizer, Clock.systemUTC(), config.listMirrorsPageSize());
        return new ApiServer(config.listenAddress(), authenticator, mirrors, metrics);
    }

    /** The API as a component (for the launcher's component list). */
    public static Component component(Backends backends, PrometheusMeterRegistry metrics) {
        return create(backends, metrics);
    }
}
