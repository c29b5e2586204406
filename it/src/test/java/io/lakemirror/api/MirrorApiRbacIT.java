package io.lakemirror.api;

import io.lakemirror.testkit.LocalAws;
import io.lakemirror.testserver.LakeFsTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The API against a lakeFS that serves RBAC (lakeFS Enterprise): the caller's effective policies decide. */
class MirrorApiRbacIT extends MirrorApiOnLakeFsIT {
    private static LakeFsTestServer rbacLakeFs;

    @BeforeAll
    static void start() {
        startWorld();
        rbacLakeFs = LakeFsTestServer.builder().s3Endpoint(world.s3Mock().endpoint())
                .s3Credentials(LocalAws.ACCESS_KEY_ID, LocalAws.SECRET_ACCESS_KEY)
                .adminUser("admin", ADMIN_KEY, ADMIN_SECRET).rbac(true).start();
        createSourceRepository(rbacLakeFs.endpoint());
    }

    @AfterAll
    static void stop() {
        if (rbacLakeFs != null) {
            rbacLakeFs.close();
        }
    }

    @Override
    LakeFsTestServer sourceLakeFs() {
        return rbacLakeFs;
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
