package io.lakemirror.audit;

/**
 * How an audit reads.
 *
 * @param strict      also check every data object of the head ranges (present, with the size and ETag the range
 *                    records); without it only metadata files (I1 as the service promises it)
 * @param parallelism most requests in flight to the bucket at once; lakeFS gets at most half as many
 * @param maxFindings findings kept in the report; more are counted but not listed (a bucket without replication
 *                    would otherwise list every object)
 */
public record AuditOptions(boolean strict, int parallelism, int maxFindings) {
    /** The default parallelism: enough to hide S3's latency, small enough for a shared API process. */
    public static final int DEFAULT_PARALLELISM = 8;
    public static final int DEFAULT_MAX_FINDINGS = 1000;

    public AuditOptions {
        if (parallelism < 1 || parallelism > 256) {
            throw new IllegalArgumentException("parallelism must be between 1 and 256, got " + parallelism);
        }
        if (maxFindings < 1) {
            throw new IllegalArgumentException("maxFindings must be at least 1, got " + maxFindings);
        }
    }

    public static AuditOptions defaults(boolean strict) {
        return new AuditOptions(strict, DEFAULT_PARALLELISM, DEFAULT_MAX_FINDINGS);
    }

    public AuditOptions withParallelism(int requests) {
        return new AuditOptions(strict, requests, maxFindings);
    }
}
