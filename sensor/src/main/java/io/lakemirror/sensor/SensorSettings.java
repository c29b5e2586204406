package io.lakemirror.sensor;

import io.lakemirror.config.ReplicationConfig;
import io.lakemirror.domain.OrganizationId;
import io.lakemirror.domain.Region;
import io.lakemirror.lakefs.PageRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * What one sensor process needs to know, taken from {@link ReplicationConfig} once at startup.
 *
 * @param region                this region: the sensor scans mirrors whose source is here
 * @param interval              {@code commit_sensor.process_branches_duration}, between the end of one
 *                              scan cycle and the start of the next
 * @param concurrencyLimit      {@code commit_sensor.branches_scanner_concurrency_limit}: branch scans at
 *                              once (and, separately, mirrors listed at once)
 * @param listBranchPageSize    {@code commit_sensor.list_branch_page_size}
 * @param logCommitPageSize     {@code commit_sensor.log_commit_page_size}
 * @param includeHiddenBranches {@code commit_sensor.include_hidden_branches}
 * @param listMirrorsPageSize   {@code list_mirrors_page_size}, for reading the mirrors database
 * @param leaseDuration         how long a scan lease lasts unless renewed, see {@link CommitSensor}
 * @param owner                 this process's name in scan leases; unique per process
 * @param maxMessageBytes       the largest {@code CommitsDetected} body sent, under the queue's limit
 */
public record SensorSettings(Region region, OrganizationId organizationId, Duration interval, int concurrencyLimit,
                             int listBranchPageSize, int logCommitPageSize, boolean includeHiddenBranches,
                             int listMirrorsPageSize, Duration leaseDuration, String owner, int maxMessageBytes) {

    /** SQS's limit on a message body, 256 KiB. */
    public static final int QUEUE_MESSAGE_LIMIT = 256 * 1024;
    /**
     * The body limit the sensor plans for: 16 KiB under the queue's, so the adapter's envelope and any
     * message attributes never push a planned message over.
     */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = QUEUE_MESSAGE_LIMIT - 16 * 1024;
    /** How many scan intervals a lease outlives its last renewal, at least. */
    public static final int LEASE_INTERVALS = 3;
    /**
     * With a short interval the lease and the recorded scan time are written less often than every
     * cycle (up to ten intervals, never beyond this), so a one-second sensor does not cost a
     * database write per mirror per second, while a dead sensor's mirrors still move to another
     * within this bound.
     */
    static final Duration SLOW_WRITE_BOUND = Duration.ofSeconds(15);

    public SensorSettings {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(organizationId, "organizationId");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(leaseDuration, "leaseDuration");
        Objects.requireNonNull(owner, "owner");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the scan interval must be positive, got " + interval);
        }
        if (leaseDuration.compareTo(interval) <= 0) {
            throw new IllegalArgumentException("the scan lease (" + leaseDuration + ") must outlast the scan interval ("
                    + interval + "), or every cycle would hand the mirror to another sensor");
        }
        if (concurrencyLimit < 1) {
            throw new IllegalArgumentException("the concurrency limit must be at least 1, got " + concurrencyLimit);
        }
        if (listBranchPageSize < 1 || listBranchPageSize > PageRequest.MAX_AMOUNT
                || logCommitPageSize < 1 || logCommitPageSize > PageRequest.MAX_AMOUNT) {
            throw new IllegalArgumentException("lakeFS page sizes are 1.." + PageRequest.MAX_AMOUNT + ", got "
                    + listBranchPageSize + " and " + logCommitPageSize);
        }
        if (maxMessageBytes < 4 * 1024 || maxMessageBytes > QUEUE_MESSAGE_LIMIT) {
            throw new IllegalArgumentException("the message limit must be between 4 KiB and " + QUEUE_MESSAGE_LIMIT
                    + " bytes, got " + maxMessageBytes);
        }
    }

    /**
     * How often a scan's outcome is written when it has not changed: every cycle for long intervals,
     * every ten cycles (at most {@link #SLOW_WRITE_BOUND}) for short ones. A changed error is always
     * written at once.
     */
    public Duration scanRecordInterval() {
        return slowWriteInterval(interval);
    }

    /** At least {@code interval}; up to ten intervals, but not beyond {@link #SLOW_WRITE_BOUND}. */
    static Duration slowWriteInterval(Duration interval) {
        Duration tenCycles = interval.multipliedBy(10);
        Duration bounded = tenCycles.compareTo(SLOW_WRITE_BOUND) < 0 ? tenCycles : SLOW_WRITE_BOUND;
        return bounded.compareTo(interval) > 0 ? bounded : interval;
    }

    /**
     * The lease of a sensor scanning every {@code interval}: {@value #LEASE_INTERVALS} intervals, or
     * {@link #slowWriteInterval} when longer, so that renewals (at half the lease) are rare too.
     */
    static Duration leaseFor(Duration interval) {
        Duration intervals = interval.multipliedBy(LEASE_INTERVALS);
        Duration slow = slowWriteInterval(interval);
        return intervals.compareTo(slow) >= 0 ? intervals : slow;
    }

    /** The settings of {@code config}, with a lease of {@link #leaseFor} and a fresh owner name. */
    public static SensorSettings from(ReplicationConfig config) {
        ReplicationConfig.CommitSensorSettings s = config.commitSensor();
        return new SensorSettings(config.region(), config.organizationId(), s.processBranchesInterval(),
                s.branchesScannerConcurrencyLimit(), s.listBranchPageSize(), s.logCommitPageSize(),
                s.includeHiddenBranches(), config.listMirrorsPageSize(),
                leaseFor(s.processBranchesInterval()), newOwner(config.region()),
                DEFAULT_MAX_MESSAGE_BYTES);
    }

    /** {@code sensor/<region>/<host>/<random>}: readable in the mirror's status, unique per process. */
    public static String newOwner(Region region) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        return "sensor/" + region + "/" + host + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    public SensorSettings withOwner(String name) {
        return new SensorSettings(region, organizationId, interval, concurrencyLimit, listBranchPageSize,
                logCommitPageSize, includeHiddenBranches, listMirrorsPageSize, leaseDuration, name, maxMessageBytes);
    }

    public SensorSettings withConcurrencyLimit(int limit) {
        return new SensorSettings(region, organizationId, interval, limit, listBranchPageSize,
                logCommitPageSize, includeHiddenBranches, listMirrorsPageSize, leaseDuration, owner, maxMessageBytes);
    }

    public SensorSettings withPageSizes(int branches, int commits) {
        return new SensorSettings(region, organizationId, interval, concurrencyLimit, branches,
                commits, includeHiddenBranches, listMirrorsPageSize, leaseDuration, owner, maxMessageBytes);
    }

    public SensorSettings withIncludeHiddenBranches(boolean include) {
        return new SensorSettings(region, organizationId, interval, concurrencyLimit, listBranchPageSize,
                logCommitPageSize, include, listMirrorsPageSize, leaseDuration, owner, maxMessageBytes);
    }

    public SensorSettings withMaxMessageBytes(int bytes) {
        return new SensorSettings(region, organizationId, interval, concurrencyLimit, listBranchPageSize,
                logCommitPageSize, includeHiddenBranches, listMirrorsPageSize, leaseDuration, owner, bytes);
    }

    public SensorSettings withInterval(Duration scanInterval) {
        return new SensorSettings(region, organizationId, scanInterval, concurrencyLimit, listBranchPageSize,
                logCommitPageSize, includeHiddenBranches, listMirrorsPageSize,
                scanInterval.multipliedBy(LEASE_INTERVALS), owner, maxMessageBytes);
    }
}
