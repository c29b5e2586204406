package io.lakemirror.lakefs;

import java.net.URI;

/**
 * Gives a {@link LakeFs} client per lakeFS installation (one per region), with the replication
 * user's credentials. Implementations cache one client per endpoint.
 */
@FunctionalInterface
public interface LakeFsFactory {

    /**
     * The client of the lakeFS installation at {@code endpoint}, its base URL without {@code /api/v1}
     * (for example {@code https://lakefs.us-east-1.example.com}).
     */
    LakeFs forEndpoint(URI endpoint);
}
