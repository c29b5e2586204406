package io.lakemirror.lakefs.sdk;

import io.lakemirror.config.Secret;
import io.lakemirror.lakefs.LakeFs;
import io.lakemirror.lakefs.LakeFsFactory;
import java.net.URI;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * One {@link SdkLakeFs} per endpoint, all with the same credentials and settings (the replication
 * user's key pair works on every installation). {@link #close()} closes every client it made.
 */
public final class SdkLakeFsFactory implements LakeFsFactory, AutoCloseable {
    private final String accessKeyId;
    private final Secret secretAccessKey;
    private final SdkLakeFs.Settings settings;
    private final ConcurrentMap<URI, SdkLakeFs> clients = new ConcurrentHashMap<>();

    public SdkLakeFsFactory(String accessKeyId, Secret secretAccessKey, SdkLakeFs.Settings settings) {
        this.accessKeyId = Objects.requireNonNull(accessKeyId, "accessKeyId");
        this.secretAccessKey = Objects.requireNonNull(secretAccessKey, "secretAccessKey");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public SdkLakeFsFactory(String accessKeyId, Secret secretAccessKey) {
        this(accessKeyId, secretAccessKey, SdkLakeFs.Settings.DEFAULTS);
    }

    @Override
    public LakeFs forEndpoint(URI endpoint) {
        return clients.computeIfAbsent(endpoint.normalize(),
                e -> SdkLakeFs.create(e, accessKeyId, secretAccessKey, settings));
    }

    @Override
    public void close() {
        clients.values().forEach(SdkLakeFs::close);
        clients.clear();
    }
}
