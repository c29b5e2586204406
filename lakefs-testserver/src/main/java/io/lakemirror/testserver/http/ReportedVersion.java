package io.lakemirror.testserver.http;

import io.lakemirror.lakefs.LakeFsVersion;
import java.util.Objects;

/**
 * The lakeFS version the server reports at {@code GET /config/version}, changeable while it runs,
 * and the behaviour of that version that the replication service depends on: below 1.11.0, a bare
 * repository is created writable whatever {@code read_only} asks (treeverse/lakeFS#7458).
 */
public final class ReportedVersion {
    /** What the server reports unless told otherwise: a current lakeFS release. */
    public static final String CURRENT = "1.84.0";

    private volatile String version;

    public ReportedVersion(String version) {
        set(version);
    }

    public String get() {
        return version;
    }

    public void set(String lakeFsVersion) {
        this.version = Objects.requireNonNull(lakeFsVersion, "lakeFsVersion");
    }

    /** Whether a bare repository loses {@code read_only} at creation, as in lakeFS before 1.11.0. */
    boolean dropsReadOnlyOfBareRepositories() {
        return LakeFsVersion.parse(version).map(v -> !v.isAtLeast(LakeFsVersion.MINIMUM)).orElse(false);
    }
}
