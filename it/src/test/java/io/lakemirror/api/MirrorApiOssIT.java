package io.lakemirror.api;

import io.lakemirror.auth.AuthFlavour;
import io.lakemirror.auth.AuthMode;
import io.lakemirror.testserver.LakeFsTestServer;
import org.junit.jupiter.api.BeforeAll;

/**
 * The API against OSS lakeFS (basic auth: one user, allowed everything), established from lakeFS's database
 * (auth.mode kv), never from a 501.
 */
class MirrorApiOssIT extends MirrorApiOnLakeFsIT {

    @BeforeAll
    static void start() {
        startWorld(AuthMode.KV, AuthFlavour.BASIC);
        createSourceRepository(world.site(A).lakeFsEndpoint());
    }

    @Override
    LakeFsTestServer sourceLakeFs() {
        return world.site(A).lakeFs();
    }

    @Override
    protected boolean servesPolicies() {
        return false;
    }
}
