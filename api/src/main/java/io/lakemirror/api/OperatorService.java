package io.lakemirror.api;

import io.lakemirror.api.dashboard.LagHistory;
import io.lakemirror.domain.InvalidInputException;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.lakefs.policy.Actions;
import io.lakemirror.lakefs.policy.Arns;
import io.lakemirror.lakefs.policy.Permission;
import io.lakemirror.store.MirrorRecord;
import io.lakemirror.store.MirrorState;
import io.lakemirror.store.MirrorsReader;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the operator tools add to the mirror API, free of HTTP: every mirror of this region's source repositories
 * with its branches in one listing (the CLI's {@code status} and the dashboard), the lag history of a mirror's
 * branches, and the integrity audits. Every call is authorized first, as {@link MirrorService}'s are.
 *
 * <ul>
 *   <li>listing every mirror and reading a lag history need {@code fs:ListRepositories} on {@code *}, as listing
 *       and reading mirrors do;</li>
 *   <li>starting and reading an audit need that and {@code fs:ReadRepository} on the mirror repository
 *       ({@code arn:lakefs:fs:::repository/{mirror}}): an audit reads all of it.</li>
 * </ul>
 */
public final class OperatorService implements AutoCloseable {
    private final Region region;
    private final MirrorsReader db;
    private final Authorizer authorizer;
    private final Clock clock;
    private final int maxPageSize;
    private final MirrorAudits audits;
    private final LagHistory history;

    public OperatorService(Region region, MirrorsReader db, Authorizer authorizer, Clock clock, int maxPageSize,
                           MirrorAudits audits, LagHistory history) {
        this.region = Objects.requireNonNull(region, "region");
        this.db = Objects.requireNonNull(db, "db");
        this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxPageSize = maxPageSize;
        this.audits = Objects.requireNonNull(audits, "audits");
        this.history = Objects.requireNonNull(history, "history");
    }

    /** Starts sampling the lag history. */
    public void start() {
        history.start();
    }

    public LagHistory history() {
        return history;
    }

    /**
     * One page of every mirror whose source is a repository of this region, in ID order, each with its branches
     * (as {@code GET .../mirrors/{id}}); mirrors already deleted are left out.
     */
    public MirrorService.MirrorPage listAll(Caller caller, Optional<String> after, Optional<Integer> amount) {
        authorizer.authorize(caller, new Permission.Single(Actions.LIST_REPOSITORIES, "*"));
        return MirrorService.page(db, m -> m.spec().sourceRegion().equals(region) && m.state() != MirrorState.DELETED,
                m -> MirrorViews.detail(m, db.listSensorBranchStates(m.spec().id()), db.listBranchStates(m.spec().id()),
                        clock.instant()), after, amount, maxPageSize);
    }

    /** The lag history of every branch of a mirror. */
    public Map<String, List<LagHistory.Sample>> lagHistory(Caller caller, String sourceRepository, String mirrorId) {
        MirrorRecord mirror = find(sourceRepository, mirrorId);
        authorizer.authorize(caller, new Permission.Single(Actions.LIST_REPOSITORIES, "*"));
        return history.of(mirror.spec().id());
    }

    /** Starts an audit of a mirror (or returns the one running). */
    public MirrorAudits.Started startAudit(Caller caller, String sourceRepository, String mirrorId, boolean strict) {
        MirrorRecord mirror = find(sourceRepository, mirrorId);
        authorizeAudit(caller, mirror);
        return audits.start(mirror.spec(), strict);
    }

    /** An audit of a mirror this process ran or runs. */
    public MirrorAudits.Run audit(Caller caller, String sourceRepository, String mirrorId, String auditId) {
        MirrorRecord mirror = find(sourceRepository, mirrorId);
        authorizeAudit(caller, mirror);
        return audits.get(mirror.spec().id(), auditId).orElseThrow(() -> new NotFoundException("audit not found: no audit "
                + auditId + " of mirror " + mirror.spec().id() + " in this API process (audits are kept "
                + MirrorAudits.RETENTION.toMinutes() + " minutes by the process that ran them)"));
    }

    private void authorizeAudit(Caller caller, MirrorRecord mirror) {
        authorizer.authorize(caller, new Permission.AllOf(List.of(
                new Permission.Single(Actions.LIST_REPOSITORIES, "*"),
                new Permission.Single(Actions.READ_REPOSITORY, Arns.repository(mirror.spec().name())))));
    }

    private MirrorRecord find(String sourceRepository, String mirrorId) {
        RepositoryId source = RepositoryId.of(sourceRepository);
        MirrorId id;
        try {
            id = MirrorId.of(mirrorId);
        } catch (InvalidInputException e) {
            throw new NotFoundException("mirror not found: no mirror " + mirrorId + " of repository " + source);
        }
        return db.getMirror(id).filter(m -> m.spec().sourceRepository().equals(source)
                        && m.spec().sourceRegion().equals(region))
                .orElseThrow(() -> new NotFoundException("mirror not found: no mirror " + id + " of repository " + source));
    }

    @Override
    public void close() {
        history.close();
        audits.close();
    }
}
