package io.lakemirror.api;

import io.lakemirror.testserver.LakeFsTestServer;
import org.junit.jupiter.api.BeforeAll;

/** The API against OSS lakeFS: policy APIs answer 501, so every authenticated user may do everything. */
class MirrorApiOssIT extends MirrorApiOnLakeFsIT {

    @BeforeAll
    static void start() {
        startWorld();
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
