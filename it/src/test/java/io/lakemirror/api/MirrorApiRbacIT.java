package io.lakemirror.api;

import io.lakemirror.auth.AuthFlavour;
import io.lakemirror.auth.AuthMode;
import io.lakemirror.testserver.LakeFsTestServer;
import org.junit.jupiter.api.BeforeAll;

/**
 * The API against lakeFS with RBAC, read through lakeFS's external auth service (lakeFS Enterprise): the caller's
 * effective policies decide.
 */
class MirrorApiRbacIT extends MirrorApiOnLakeFsIT {

    @BeforeAll
    static void start() {
        startWorld(AuthMode.AUTH_SERVICE, AuthFlavour.RBAC);
        createSourceRepository(world.site(A).lakeFsEndpoint());
    }

    @Override
    LakeFsTestServer sourceLakeFs() {
        return world.site(A).lakeFs();
    }

    @Override
    protected boolean ossLakeFs() {
        return false;
    }

    /** The OSS variant pages through 2,500 mirrors; here two pages prove the same on this backend. */
    @Override
    protected int mirrorsForPagination() {
        return 1_200;
    }
}
