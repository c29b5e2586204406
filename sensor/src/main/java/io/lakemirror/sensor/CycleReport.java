package io.lakemirror.sensor;

import java.time.Duration;

/**
 * What one scan cycle over every mirror did, as logged at INFO after each cycle.
 *
 * @param mirrorsScanned  mirrors this sensor scanned (held the lease for)
 * @param mirrorsSkipped  mirrors whose lease another sensor holds
 * @param mirrorsFailed   scans that failed as a whole or for some branches; retried next cycle
 * @param branchesListed  source branches listed
 * @param branchesChanged branches that moved, appeared, disappeared or had a sequence to resend
 * @param sequences       sequences announced (new heads, resets, deletions and resends)
 * @param messagesSent    {@code CommitsDetected} messages sent
 * @param commitsSent     commit records sent
 * @param claimChecked    commits sent by ID because they did not fit a message
 * @param failures        branch scans that failed
 * @param racesLost       sequences or leases another sensor took first
 */
public record CycleReport(int mirrorsScanned, int mirrorsSkipped, int mirrorsFailed, int branchesListed,
                          int branchesChanged, int sequences, int messagesSent, int commitsSent, int claimChecked,
                          int failures, int racesLost, Duration took) {

    static CycleReport of(Iterable<MirrorScanReport> reports, int skipped, Duration took) {
        int scanned = 0;
        int failed = 0;
        int listed = 0;
        int changed = 0;
        int sequences = 0;
        int messages = 0;
        int commits = 0;
        int claimChecked = 0;
        int failures = 0;
        int races = 0;
        for (MirrorScanReport r : reports) {
            scanned++;
            failed += r.failed() ? 1 : 0;
            listed += r.branchesListed();
            changed += r.branchesChanged();
            sequences += r.sequences();
            messages += r.messagesSent();
            commits += r.commitsSent();
            claimChecked += r.claimChecked();
            failures += r.branchFailures();
            races += r.racesLost();
        }
        return new CycleReport(scanned, skipped, failed, listed, changed, sequences, messages, commits, claimChecked,
                failures, races, took);
    }

    /** Nothing changed, failed or was sent: with a one-second interval most cycles are quiet. */
    boolean quiet() {
        return mirrorsFailed == 0 && branchesChanged == 0 && sequences == 0 && messagesSent == 0 && failures == 0
                && racesLost == 0;
    }

    @Override
    public String toString() {
        return "scanned " + mirrorsScanned + " mirrors (" + mirrorsFailed + " failed, " + mirrorsSkipped
                + " held by other sensors), " + branchesChanged + " of " + branchesListed + " branches changed, sent "
                + messagesSent + " messages with " + commitsSent + " commits (" + claimChecked + " claim-checked) in "
                + sequences + " sequences, " + failures + " branch failures, " + racesLost + " races lost, in "
                + took.toMillis() + " ms";
    }
}
