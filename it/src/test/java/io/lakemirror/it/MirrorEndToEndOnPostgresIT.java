package io.lakemirror.it;

import org.junit.jupiter.api.BeforeAll;

/**
 * {@link MirrorEndToEndIT} with the mirrors database (and its change log, the promoters' change feed)
 * and both refstores on PostgreSQL (embedded, started by the world on a free port): the same 200
 * commits judged by the auditor, the same held-back range.
 */
class MirrorEndToEndOnPostgresIT extends MirrorEndToEndIT {

    /** Hides {@link MirrorEndToEndIT#startTwoRegions()}: JUnit runs this one instead. */
    @BeforeAll
    static void startTwoRegions() {
        start(true);
    }
}
