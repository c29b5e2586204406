package io.lakemirror.aws.dynamodb;

import static io.lakemirror.aws.dynamodb.ItemCodec.instant;
import static io.lakemirror.aws.dynamodb.ItemCodec.n;
import static io.lakemirror.aws.dynamodb.ItemCodec.s;

import io.lakemirror.domain.AlreadyExistsException;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.domain.OrganizationId;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.RetryableException;
import io.lakemirror.domain.StaleWriteException;
import io.lakemirror.store.BranchState;
import io.lakemirror.store.MirrorRecord;
import io.lakemirror.store.MirrorSpec;
import io.lakemirror.store.MirrorState;
import io.lakemirror.store.MirrorStatus;
import io.lakemirror.store.MirrorsDatabase;
import io.lakemirror.store.SensorBranchState;
import io.lakemirror.store.SourceStatus;
import io.lakemirror.store.StorePage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The mirrors database on one DynamoDB table (docs/design/pipeline.md, "Mirrors database layout").
 *
 * <p>Every state change that ordering matters for is a conditional write whose condition is the
 * port's rule; a failed condition returns the item as it was ({@code ALL_OLD}), from which the
 * refusal is explained. The validator and the promoter update disjoint map attributes of a branch
 * state with UpdateItem, so neither ever overwrites the other's progress. Every conditional write
 * also refuses items of a newer schema version, which then surface as a clear error instead of
 * being downgraded.
 *
 * <p>Mirror specs and name claims are written in the destination region's replica ({@link DynamoDbClients}).
 * Reads are strongly consistent in the local replica.
 */
public final class DynamoDbMirrorsDatabase implements MirrorsDatabase {
    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbMirrorsDatabase.class);
    private static final String SCHEMA_GUARD = "(attribute_not_exists(#schema_version) OR #schema_version <= :schema_version)";
    private static final String BRANCH_HEADER = "#schema_version = :schema_version, #type = :type, #mirror_id = :mirror_id,"
            + " #branch = :branch";
    private static final int MAX_CONDITION_ATTEMPTS = 5;

    private final DynamoDbClients clients;
    private final String table;
    private final OrganizationId organization;
    private final ItemCodec codec;
    private final Batches batches;

    /**
     * @param clients      the client of each region's replica; specs and name claims go to the destination's
     * @param table        the mirrors table (see {@link DynamoDbTables#ensureTable})
     * @param organization the organization every key is partitioned by
     */
    public DynamoDbMirrorsDatabase(DynamoDbClients clients, String table, OrganizationId organization) {
        this.clients = Objects.requireNonNull(clients, "clients");
        this.table = Objects.requireNonNull(table, "table");
        this.organization = Objects.requireNonNull(organization, "organization");
        this.codec = new ItemCodec(table, organization);
        this.batches = new Batches(clients.local(), table);
    }

    // --- mirror specs

    @Override
    public void createMirror(MirrorSpec spec) {
        String call = "createMirror(mirror " + spec.id() + ", name " + spec.name() + " in " + spec.destinationRegion() + ")";
        DynamoDbClient destination = clients.forRegion(spec.destinationRegion());
        TransactWriteItem putSpec = putIfAbsent(codec.encodeSpec(spec));
        TransactWriteItem putClaim = putIfAbsent(codec.encodeClaim(
                new ItemCodec.NameClaim(spec.destinationRegion(), spec.name(), spec.id())));
        try {
            destination.transactWriteItems(b -> b.transactItems(putSpec, putClaim));
            LOG.debug("Created mirror {} ({}) in the {} replica", spec.id(), spec.describe(), spec.destinationRegion());
        } catch (TransactionCanceledException e) {
            List<CancellationReason> reasons = e.hasCancellationReasons() ? e.cancellationReasons() : List.of();
            if (reasons.size() == 2 && conditionFailed(reasons.get(1))) {
                MirrorId holder = claimHolder(reasons.get(1), destination, spec);
                if (!holder.equals(spec.id())) {
                    throw new AlreadyExistsException("mirror name " + spec.name() + " is taken in region "
                            + spec.destinationRegion() + " by mirror " + holder + "; choose another name or delete"
                            + " that mirror (not retried)", e);
                }
            }
            if (!reasons.isEmpty() && conditionFailed(reasons.get(0))) {
                throw new AlreadyExistsException("mirror " + spec.id() + " exists already (not retried)", e);
            }
            throw DynamoDbErrors.translate(table, call, e);
        } catch (SdkException e) {
            throw DynamoDbErrors.translate(table, call, e);
        }
    }

    private TransactWriteItem putIfAbsent(Map<String, AttributeValue> item) {
        return TransactWriteItem.builder().put(Put.builder().tableName(table).item(item)
                .conditionExpression("attribute_not_exists(#pk)")
                .expressionAttributeNames(Expressions.names("#pk"))
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build()).build();
    }

    private static boolean conditionFailed(CancellationReason reason) {
        return "ConditionalCheckFailed".equals(reason.code());
    }

    private MirrorId claimHolder(CancellationReason reason, DynamoDbClient destination, MirrorSpec spec) {
        if (reason.hasItem() && !reason.item().isEmpty()) {
            return codec.decodeClaim(reason.item()).holder();
        }
        Map<String, AttributeValue> key = TableKeys.key(TableKeys.claimPk(organization, spec.destinationRegion(), spec.name()),
                TableKeys.CLAIM_SK);
        return getItem(destination, "findByName(" + spec.destinationRegion() + ", " + spec.name() + ")", key)
                .map(item -> codec.decodeClaim(item).holder())
                .orElse(spec.id());
    }

    @Override
    public Optional<MirrorRecord> getMirror(MirrorId id) {
        List<Map<String, AttributeValue>> items = query("getMirror(" + id + ")", TableKeys.mirrorsPk(organization),
                "begins_with(#sk, :prefix)", Map.of("prefix", s(TableKeys.mirrorItemsPrefix(id))), false);
        MirrorGroup group = new MirrorGroup(id);
        items.forEach(group::add);
        return group.record();
    }

    @Override
    public StorePage<MirrorRecord> listMirrors(Optional<String> after, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        String call = "listMirrors(after " + after.orElse("the start") + ", limit " + limit + ")";
        QueryRequest.Builder request = QueryRequest.builder().tableName(table).consistentRead(true)
                // A mirror has up to three items; read a page's worth plus the next mirror in one go.
                .limit(Math.min(3 * limit + 3, 3_000));
        String keyCondition = "#pk = :pk" + (after.isPresent() ? " AND #sk > :after" : "");
        Map<String, AttributeValue> values = new HashMap<>();
        values.put("pk", s(TableKeys.mirrorsPk(organization)));
        after.ifPresent(a -> values.put("after", s(TableKeys.afterMirror(a))));
        request.keyConditionExpression(keyCondition)
                .expressionAttributeNames(Expressions.names(keyCondition))
                .expressionAttributeValues(Expressions.values(values, keyCondition));
        List<MirrorRecord> page = new ArrayList<>();
        MirrorGroup group = null;
        try {
            Iterator<Map<String, AttributeValue>> items = clients.local().queryPaginator(request.build()).items().iterator();
            while (items.hasNext()) {
                Map<String, AttributeValue> item = items.next();
                Optional<MirrorId> id = mirrorOfSortKey(item);
                if (id.isEmpty()) {
                    continue;
                }
                if (group == null || !group.id.equals(id.get())) {
                    if (group != null && group.record().isPresent()) {
                        if (page.size() == limit) {
                            return new StorePage<>(page, Optional.of(page.get(limit - 1).spec().id().value()));
                        }
                        page.add(group.record().get());
                    }
                    group = new MirrorGroup(id.get());
                }
                group.add(item);
            }
        } catch (SdkException e) {
            throw DynamoDbErrors.translate(table, call, e);
        }
        if (group != null && group.record().isPresent()) {
            if (page.size() == limit) {
                return new StorePage<>(page, Optional.of(page.get(limit - 1).spec().id().value()));
            }
            page.add(group.record().get());
        }
        return new StorePage<>(page, Optional.empty());
    }

    private static Optional<MirrorId> mirrorOfSortKey(Map<String, AttributeValue> item) {
        String sk = item.get(TableKeys.SK).s();
        int hash = sk.indexOf('#');
        if (hash <= 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(MirrorId.of(sk.substring(0, hash)));
        } catch (RuntimeException e) {
            LOG.trace("Skipping item with sort key {} in the mirrors partition (not a mirror item)", sk);
            return Optional.empty();
        }
    }

    /** The spec, status and source status of one mirror, as they come out of a query. */
    private final class MirrorGroup {
        private final MirrorId id;
        private MirrorSpec spec;
        private MirrorStatus status;
        private SourceStatus source;

        MirrorGroup(MirrorId id) {
            this.id = id;
        }

        void add(Map<String, AttributeValue> item) {
            String sk = item.get(TableKeys.SK).s();
            if (sk.equals(TableKeys.specSk(id))) {
                spec = codec.decodeSpec(item);
            } else if (sk.equals(TableKeys.statusSk(id))) {
                status = codec.decodeStatus(item);
            } else if (sk.equals(TableKeys.sourceSk(id))) {
                source = codec.decodeSource(item);
            } else {
                LOG.trace("Skipping item {} of mirror {} (unknown kind)", sk, id);
            }
        }

        /** Empty while the spec is missing: status or source items alone are no mirror. */
        Optional<MirrorRecord> record() {
            return spec == null ? Optional.empty()
                    : Optional.of(new MirrorRecord(spec, Optional.ofNullable(status), Optional.ofNullable(source)));
        }
    }

    @Override
    public void requestDeletion(MirrorId id, Instant at) {
        String call = "requestDeletion(mirror " + id + ")";
        MirrorSpec spec = getSpec(id).orElseThrow(() -> notFound(id));
        if (spec.isDeleteRequested()) {
            return;
        }
        String update = "SET #delete_requested_at = :at";
        String condition = "attribute_exists(#pk) AND attribute_not_exists(#delete_requested_at) AND " + SCHEMA_GUARD;
        Outcome outcome = update(clients.forRegion(spec.destinationRegion()), call,
                TableKeys.key(TableKeys.mirrorsPk(organization), TableKeys.specSk(id)), update, condition,
                Map.of("at", instant(at), "schema_version", n(ItemCodec.SCHEMA_VERSION)));
        if (!outcome.written()) {
            if (outcome.current().isEmpty()) {
                throw notFound(id);
            }
            codec.decodeSpec(outcome.current());
        }
    }

    @Override
    public MirrorSpec setMirrorTags(MirrorId id, boolean mirrorTags) {
        String call = "setMirrorTags(mirror " + id + ", " + mirrorTags + ")";
        MirrorSpec spec = getSpec(id).orElseThrow(() -> notFound(id));
        if (spec.mirrorTags() == mirrorTags) {
            return spec;
        }
        // Written where requestDeletion writes the spec, so that the destination's mirrors manager reads it there.
        String update = "SET #mirror_tags = :mirror_tags";
        String condition = "attribute_exists(#pk) AND " + SCHEMA_GUARD;
        Outcome outcome = update(clients.forRegion(spec.destinationRegion()), call,
                TableKeys.key(TableKeys.mirrorsPk(organization), TableKeys.specSk(id)), update, condition,
                Map.of("mirror_tags", ItemCodec.bool(mirrorTags), "schema_version", n(ItemCodec.SCHEMA_VERSION)));
        if (!outcome.written() && outcome.current().isEmpty()) {
            throw notFound(id);
        }
        return spec.withMirrorTags(mirrorTags);
    }

    private static NotFoundException notFound(MirrorId id) {
        return new NotFoundException("mirror " + id + " not found (not retried)");
    }

    private Optional<MirrorSpec> getSpec(MirrorId id) {
        return getItem(clients.local(), "getMirror(" + id + ")", TableKeys.key(TableKeys.mirrorsPk(organization), TableKeys.specSk(id)))
                .map(codec::decodeSpec);
    }

    @Override
    public Optional<MirrorId> findByName(Region destination, RepositoryId name) {
        return getItem(clients.local(), "findByName(" + destination + ", " + name + ")",
                TableKeys.key(TableKeys.claimPk(organization, destination, name), TableKeys.CLAIM_SK))
                .map(item -> codec.decodeClaim(item).holder());
    }

    // --- mirror status

    @Override
    public void putStatus(MirrorStatus status, Set<MirrorState> expectedCurrent, boolean allowAbsent) {
        MirrorId id = status.mirrorId();
        String call = "putStatus(mirror " + id + ", " + status.state() + ")";
        Map<String, AttributeValue> values = new HashMap<>();
        values.put("schema_version", n(ItemCodec.SCHEMA_VERSION));
        List<String> allowed = new ArrayList<>();
        if (allowAbsent) {
            allowed.add("attribute_not_exists(#pk)");
        }
        if (!expectedCurrent.isEmpty()) {
            List<String> placeholders = new ArrayList<>();
            for (MirrorState state : expectedCurrent) {
                placeholders.add(":" + state.name());
                values.put(state.name(), s(state.name()));
            }
            allowed.add("#state IN (" + String.join(", ", placeholders) + ")");
        }
        Outcome outcome;
        if (allowed.isEmpty()) {
            outcome = new Outcome(false, getItem(clients.local(), call,
                    TableKeys.key(TableKeys.mirrorsPk(organization), TableKeys.statusSk(id))).orElse(Map.of()));
        } else {
            String condition = "(" + String.join(" OR ", allowed) + ") AND " + SCHEMA_GUARD;
            outcome = put(clients.local(), call, codec.encodeStatus(status), condition, values);
        }
        if (!outcome.written()) {
            Optional<MirrorStatus> current = outcome.current().isEmpty() ? Optional.empty()
                    : Optional.of(codec.decodeStatus(outcome.current()));
            throw new StaleWriteException("mirror " + id + " is "
                    + current.map(c -> c.state().toString()).orElse("without status") + ", not "
                    + (allowAbsent ? "absent or " : "") + "one of " + expectedCurrent + ": status " + status.state()
                    + " not written; re-read the mirror and decide again");
        }
    }

    @Override
    public void deleteMirror(MirrorId id) {
        String call = "deleteMirror(mirror " + id + ")";
        List<Map<String, AttributeValue>> keys = query(call, TableKeys.mirrorPk(organization, id), null, Map.of(), true);
        batches.delete(call, keys);
        Optional<MirrorSpec> spec = getSpec(id);
        batches.delete(call, List.of(
                TableKeys.key(TableKeys.mirrorsPk(organization), TableKeys.statusSk(id)),
                TableKeys.key(TableKeys.mirrorsPk(organization), TableKeys.sourceSk(id))));
        // The spec goes last: a retry after a crash still finds it, and with it the name claim.
        if (spec.isPresent()) {
            DynamoDbClient destination = clients.forRegion(spec.get().destinationRegion());
            Map<String, AttributeValue> claimKey = TableKeys.key(
                    TableKeys.claimPk(organization, spec.get().destinationRegion(), spec.get().name()), TableKeys.CLAIM_SK);
            run(call, () -> {
                try {
                    destination.deleteItem(b -> b.tableName(table).key(claimKey)
                            .conditionExpression("#mirror_id = :mirror_id")
                            .expressionAttributeNames(Expressions.names("#mirror_id"))
                            .expressionAttributeValues(Map.of(":mirror_id", s(id.value()))));
                } catch (ConditionalCheckFailedException e) {
                    LOG.trace("Name claim of {} is gone or held by another mirror (kept)", id);
                }
                return null;
            });
            run(call, () -> destination.deleteItem(b -> b.tableName(table)
                    .key(TableKeys.key(TableKeys.mirrorsPk(organization), TableKeys.specSk(id)))));
        }
        LOG.debug("Deleted mirror {}: {} item(s) of its partition{}", id, keys.size(),
                spec.map(s -> ", its spec and name claim").orElse(""));
    }

    // --- source side

    @Override
    public boolean acquireSourceLease(MirrorId id, String owner, Instant until, Instant now) {
        String update = "SET #schema_version = :schema_version, #type = :type, #mirror_id = :mirror_id,"
                + " #lease_owner = :owner, #lease_until = :until";
        String condition = "(attribute_not_exists(#pk) OR #lease_owner = :owner OR #lease_until <= :now) AND " + SCHEMA_GUARD;
        Outcome outcome = update(clients.local(), "acquireSourceLease(mirror " + id + ", owner " + owner + ")",
                TableKeys.key(TableKeys.mirrorsPk(organization), TableKeys.sourceSk(id)), update, condition,
                Map.of("schema_version", n(ItemCodec.SCHEMA_VERSION), "type", s(ItemCodec.TYPE_SOURCE),
                        "mirror_id", s(id.value()), "owner", s(owner), "until", instant(until), "now", instant(now)));
        if (!outcome.written() && !outcome.current().isEmpty()) {
            SourceStatus current = codec.decodeSource(outcome.current());
            LOG.trace("Scan lease of {} stays with {} until {} (asked by {})", id, current.leaseOwner(), current.leaseUntil(), owner);
        }
        return outcome.written();
    }

    @Override
    public void recordScan(MirrorId id, String owner, Instant at, Optional<String> error) {
        String update = "SET #last_scan_at = :at" + (error.isPresent() ? ", #last_error = :error" : " REMOVE #last_error");
        String condition = "#lease_owner = :owner AND " + SCHEMA_GUARD;
        Map<String, AttributeValue> values = new HashMap<>(Map.of("at", instant(at), "owner", s(owner),
                "schema_version", n(ItemCodec.SCHEMA_VERSION)));
        error.ifPresent(e -> values.put("error", s(e)));
        Outcome outcome = update(clients.local(), "recordScan(mirror " + id + ", owner " + owner + ")",
                TableKeys.key(TableKeys.mirrorsPk(organization), TableKeys.sourceSk(id)), update, condition, values);
        if (!outcome.written()) {
            Optional<SourceStatus> current = outcome.current().isEmpty() ? Optional.empty()
                    : Optional.of(codec.decodeSource(outcome.current()));
            throw new StaleWriteException("sensor " + owner + " does not hold the scan lease of mirror " + id
                    + current.map(c -> " (" + c.leaseOwner() + " holds it until " + c.leaseUntil() + ")").orElse(" (no lease)")
                    + ": scan result not recorded; acquire the lease again");
        }
    }

    @Override
    public Optional<SensorBranchState> getSensorBranchState(MirrorId id, BranchId branch) {
        return getItem(clients.local(), "getSensorBranchState(" + id + "/" + branch + ")",
                TableKeys.key(TableKeys.mirrorPk(organization, id), TableKeys.sensorSk(branch)))
                .map(codec::decodeSensorState);
    }

    @Override
    public List<SensorBranchState> listSensorBranchStates(MirrorId id) {
        return query("listSensorBranchStates(" + id + ")", TableKeys.mirrorPk(organization, id), "begins_with(#sk, :prefix)",
                Map.of("prefix", s(TableKeys.SENSOR_PREFIX)), false)
                .stream().map(codec::decodeSensorState).toList();
    }

    @Override
    public void putSensorBranchState(SensorBranchState state, long expectedSequence) {
        String condition = (expectedSequence == 0 ? "attribute_not_exists(#pk)" : "#sequence = :expected") + " AND " + SCHEMA_GUARD;
        Outcome outcome = put(clients.local(), "putSensorBranchState(" + state.mirrorId() + "/" + state.branch()
                        + ", sequence " + state.sequence() + ")",
                codec.encodeSensorState(state), condition,
                Map.of("expected", n(expectedSequence), "schema_version", n(ItemCodec.SCHEMA_VERSION)));
        if (outcome.written()) {
            return;
        }
        Optional<SensorBranchState> current = outcome.current().isEmpty() ? Optional.empty()
                : Optional.of(codec.decodeSensorState(outcome.current()));
        if (current.isPresent() && current.get().equals(state)) {
            LOG.trace("Sensor state {}/{} at sequence {} is stored already (idempotent retry)", state.mirrorId(),
                    state.branch(), state.sequence());
            return;
        }
        throw new StaleWriteException("sensor state of " + state.mirrorId() + "/" + state.branch() + " is at sequence "
                + current.map(SensorBranchState::sequence).orElse(0L) + ", expected " + expectedSequence
                + ": another sensor wrote first; re-read it and decide again");
    }

    @Override
    public Set<CommitId> findSentCommits(MirrorId id, Collection<CommitId> commits) {
        String pk = TableKeys.mirrorPk(organization, id);
        List<Map<String, AttributeValue>> keys = Batches.distinct(commits, c -> c).stream()
                .map(c -> TableKeys.key(pk, TableKeys.sentSk(c))).toList();
        Set<CommitId> found = new HashSet<>();
        for (Map<String, AttributeValue> item : batches.get("findSentCommits(mirror " + id + ", " + keys.size() + " commits)",
                keys, Optional.of("pk, sk"))) {
            found.add(CommitId.of(item.get(TableKeys.SK).s().substring(TableKeys.SENT_PREFIX.length())));
        }
        return found;
    }

    @Override
    public void recordSentCommits(MirrorId id, Collection<CommitId> commits) {
        List<Map<String, AttributeValue>> items = Batches.distinct(commits, c -> c).stream()
                .map(c -> codec.encodeSentCommit(id, c)).toList();
        batches.put("recordSentCommits(mirror " + id + ", " + items.size() + " commits)", items);
    }

    // --- branch state

    @Override
    public Optional<BranchState> getBranchState(MirrorId id, BranchId branch) {
        return getItem(clients.local(), "getBranchState(" + id + "/" + branch + ")",
                TableKeys.key(TableKeys.mirrorPk(organization, id), TableKeys.branchSk(branch)))
                .map(codec::decodeBranchState);
    }

    @Override
    public List<BranchState> listBranchStates(MirrorId id) {
        return query("listBranchStates(" + id + ")", TableKeys.mirrorPk(organization, id), "begins_with(#sk, :prefix)",
                Map.of("prefix", s(TableKeys.BRANCH_PREFIX)), false)
                .stream().map(codec::decodeBranchState).toList();
    }

    @Override
    public void recordValidated(MirrorId id, BranchId branch, BranchState.Validated validated) {
        String call = "recordValidated(" + id + "/" + branch + ", sequence " + validated.sequence() + ")";
        Map<String, AttributeValue> values = Map.of("validated", ItemCodec.validated(validated), "seq", n(validated.sequence()));
        // Whether a waiting entry must go depends on its sequence, which an update expression cannot test;
        // so the condition pins what was assumed, and a failure tells which case holds.
        boolean clearWaiting = true;
        for (int attempt = 1; attempt <= MAX_CONDITION_ATTEMPTS; attempt++) {
            String condition = "(attribute_not_exists(#validated) OR #validated.#sequence < :seq) AND "
                    + (clearWaiting ? "(attribute_not_exists(#waiting) OR #waiting.#sequence <= :seq)" : "#waiting.#sequence > :seq");
            Outcome outcome = updateBranch(call, id, branch, "#validated = :validated",
                    clearWaiting ? "#validator_error, #waiting" : "#validator_error", condition, values);
            if (outcome.written()) {
                return;
            }
            BranchState current = currentBranchState(outcome, id, branch);
            if (current.validatedSequence() >= validated.sequence()) {
                throw new StaleWriteException(id + "/" + branch + " is validated at sequence " + current.validatedSequence()
                        + ", not older sequence " + validated.sequence() + ": not recorded; a newer sequence won");
            }
            clearWaiting = current.waiting().map(w -> w.sequence() <= validated.sequence()).orElse(true);
        }
        throw contended(call);
    }

    @Override
    public void recordWaiting(MirrorId id, BranchId branch, BranchState.Waiting waiting) {
        String call = "recordWaiting(" + id + "/" + branch + ", sequence " + waiting.sequence() + ")";
        Outcome outcome = updateBranch(call, id, branch, "#waiting = :waiting", null,
                "(attribute_not_exists(#validated) OR #validated.#sequence < :seq)"
                        + " AND (attribute_not_exists(#waiting) OR #waiting.#sequence <= :seq)",
                Map.of("waiting", ItemCodec.waiting(waiting), "seq", n(waiting.sequence())));
        if (!outcome.written()) {
            BranchState current = currentBranchState(outcome, id, branch);
            if (current.validatedSequence() < waiting.sequence() && current.waiting().isPresent()) {
                throw new StaleWriteException(id + "/" + branch + " has newer sequence " + current.waiting().get().sequence()
                        + " waiting: sequence " + waiting.sequence() + " is not recorded");
            }
            throw new StaleWriteException(id + "/" + branch + " is validated at sequence " + current.validatedSequence()
                    + ": sequence " + waiting.sequence() + " no longer waits; not recorded");
        }
    }

    @Override
    public void recordValidatorError(MirrorId id, BranchId branch, BranchState.ErrorInfo error) {
        String call = "recordValidatorError(" + id + "/" + branch + ")";
        Outcome outcome = updateBranch(call, id, branch, "#validator_error = :error", null, null,
                Map.of("error", ItemCodec.error(error)));
        if (!outcome.written()) {
            currentBranchState(outcome, id, branch);
            throw new StaleWriteException("DynamoDB table " + table + ": " + call + " was refused by the item's schema"
                    + " guard; re-read the branch state and decide again");
        }
    }

    @Override
    public boolean claimPromotion(MirrorId id, BranchId branch, BranchState.PromotionLease lease,
                                  Optional<BranchState.PromotionLease> lapsed) {
        String call = "claimPromotion(" + id + "/" + branch + ", sequence " + lease.sequence() + ", owner " + lease.owner() + ")";
        Map<String, AttributeValue> values = new HashMap<>(Map.of("promotion", ItemCodec.lease(lease),
                "seq", n(lease.sequence()), "owner", s(lease.owner())));
        Outcome outcome = updateBranch(call, id, branch, "#promotion = :promotion", null,
                "#validated.#sequence >= :seq AND (attribute_not_exists(#promoted) OR #promoted.#sequence < :seq)"
                        + " AND (" + leaseFree(lapsed, values) + ")", values);
        if (!outcome.written() && !outcome.current().isEmpty()) {
            BranchState current = codec.decodeBranchState(outcome.current());
            LOG.trace("Promotion of {}/{} sequence {} not claimed by {} (validated {}, promoted {}, lease {})", id, branch,
                    lease.sequence(), lease.owner(), current.validatedSequence(), current.promotedSequence(),
                    current.promotion().map(p -> p.owner() + " until " + p.until()).orElse("free"));
        }
        return outcome.written();
    }

    @Override
    public void recordPromoted(MirrorId id, BranchId branch, BranchState.Promoted promoted, String owner) {
        String call = "recordPromoted(" + id + "/" + branch + ", sequence " + promoted.sequence() + ", owner " + owner + ")";
        Outcome outcome = updateBranch(call, id, branch, "#promoted = :promoted", "#promotion, #promoter_error",
                "#promotion.#owner = :owner AND (attribute_not_exists(#promoted) OR #promoted.#sequence < :seq)",
                Map.of("promoted", ItemCodec.promoted(promoted), "owner", s(owner), "seq", n(promoted.sequence())));
        if (!outcome.written()) {
            BranchState current = currentBranchState(outcome, id, branch);
            if (current.promotion().map(p -> !p.owner().equals(owner)).orElse(true)) {
                throw new StaleWriteException(owner + " no longer holds the promotion lease of " + id + "/" + branch
                        + current.promotion().map(p -> " (" + p.owner() + " holds it until " + p.until() + ")").orElse(" (it is free)")
                        + ": sequence " + promoted.sequence() + " not recorded; claim it again");
            }
            throw new StaleWriteException(id + "/" + branch + " is promoted at sequence " + current.promotedSequence()
                    + " already: sequence " + promoted.sequence() + " not recorded");
        }
    }

    @Override
    public void recordPromoterError(MirrorId id, BranchId branch, BranchState.ErrorInfo error, String owner) {
        String call = "recordPromoterError(" + id + "/" + branch + ", owner " + owner + ")";
        Map<String, AttributeValue> values = Map.of("error", ItemCodec.error(error), "owner", s(owner));
        boolean release = true;
        for (int attempt = 1; attempt <= MAX_CONDITION_ATTEMPTS; attempt++) {
            Outcome outcome = release
                    ? updateBranch(call, id, branch, "#promoter_error = :error", "#promotion", "#promotion.#owner = :owner", values)
                    : updateBranch(call, id, branch, "#promoter_error = :error", null,
                            "attribute_not_exists(#promotion) OR #promotion.#owner <> :owner", values);
            if (outcome.written()) {
                return;
            }
            BranchState current = currentBranchState(outcome, id, branch);
            release = current.promotion().map(p -> p.owner().equals(owner)).orElse(false);
        }
        throw contended(call);
    }

    @Override
    public boolean claimRepair(MirrorId id, BranchId branch, BranchState.PromotionLease lease,
                               Optional<BranchState.PromotionLease> lapsed) {
        String call = "claimRepair(" + id + "/" + branch + ", sequence " + lease.sequence() + ", owner " + lease.owner() + ")";
        Map<String, AttributeValue> values = new HashMap<>(Map.of("promotion", ItemCodec.lease(lease),
                "seq", n(lease.sequence()), "owner", s(lease.owner())));
        Outcome outcome = updateBranch(call, id, branch, "#promotion = :promotion", null,
                "#promoted.#sequence = :seq AND (" + leaseFree(lapsed, values) + ")", values);
        if (!outcome.written() && !outcome.current().isEmpty()) {
            BranchState current = codec.decodeBranchState(outcome.current());
            LOG.trace("Repair of {}/{} at sequence {} not claimed by {} (promoted {}, lease {})", id, branch,
                    lease.sequence(), lease.owner(), current.promotedSequence(),
                    current.promotion().map(p -> p.owner() + " until " + p.until()).orElse("free"));
        }
        return outcome.written();
    }

    /**
     * The condition under which a claim may write the branch's lease: none, the claimant's own, or
     * exactly the lapsed one the claimant watched (same owner and end; same version, or none stored
     * by an older lakemirror). No clock is compared (docs/design/pipeline.md, "Fenced promotions").
     */
    private static String leaseFree(Optional<BranchState.PromotionLease> lapsed, Map<String, AttributeValue> values) {
        String free = "attribute_not_exists(#promotion) OR #promotion.#owner = :owner";
        if (lapsed.isEmpty()) {
            return free;
        }
        BranchState.PromotionLease seen = lapsed.get();
        values.put("lapsed_owner", s(seen.owner()));
        values.put("lapsed_until", instant(seen.until()));
        values.put("lapsed_version", s(seen.version()));
        return free + " OR (#promotion.#owner = :lapsed_owner AND #promotion.#until = :lapsed_until"
                + " AND (#promotion.#version = :lapsed_version OR attribute_not_exists(#promotion.#version)))";
    }

    @Override
    public void releasePromotion(MirrorId id, BranchId branch, String owner) {
        String call = "releasePromotion(" + id + "/" + branch + ", owner " + owner + ")";
        Outcome outcome = updateBranch(call, id, branch, null, "#promotion", "#promotion.#owner = :owner",
                Map.of("owner", s(owner)));
        if (!outcome.written()) {
            LOG.trace("{}: {} did not hold the lease; nothing released", call, owner);
        }
    }

    @Override
    public boolean resetBranchState(BranchState expected, BranchState replacement, Instant now) {
        MirrorId id = replacement.mirrorId();
        BranchId branch = replacement.branch();
        String call = "resetBranchState(" + id + "/" + branch + ", validated " + replacement.validatedSequence()
                + ", promoted " + replacement.promotedSequence() + ")";
        Map<String, AttributeValue> values = new HashMap<>();
        values.put("now", instant(now));
        List<String> sets = new ArrayList<>();
        List<String> removes = new ArrayList<>();
        setOrRemove("validated", replacement.validated().map(ItemCodec::validated), sets, removes, values);
        setOrRemove("waiting", replacement.waiting().map(ItemCodec::waiting), sets, removes, values);
        setOrRemove("validator_error", replacement.validatorError().map(ItemCodec::error), sets, removes, values);
        setOrRemove("promoted", replacement.promoted().map(ItemCodec::promoted), sets, removes, values);
        setOrRemove("promotion", replacement.promotion().map(ItemCodec::lease), sets, removes, values);
        setOrRemove("promoter_error", replacement.promoterError().map(ItemCodec::error), sets, removes, values);
        String condition = sequenceIs("validated", expected.validated().map(BranchState.Validated::sequence), values)
                + " AND " + sequenceIs("promoted", expected.promoted().map(BranchState.Promoted::sequence), values)
                + " AND (attribute_not_exists(#promotion) OR #promotion.#until <= :now)";
        Outcome outcome = updateBranch(call, id, branch, sets.isEmpty() ? null : String.join(", ", sets),
                removes.isEmpty() ? null : String.join(", ", removes), condition, values);
        if (!outcome.written()) {
            BranchState current = currentBranchState(outcome, id, branch);
            LOG.debug("{} refused: the branch state changed (validated {}, promoted {}, lease {})", call,
                    current.validatedSequence(), current.promotedSequence(),
                    current.promotion().map(p -> p.owner() + " until " + p.until()).orElse("free"));
        }
        return outcome.written();
    }

    private static void setOrRemove(String attribute, Optional<AttributeValue> value, List<String> sets,
                                    List<String> removes, Map<String, AttributeValue> values) {
        if (value.isPresent()) {
            sets.add("#" + attribute + " = :" + attribute);
            values.put(attribute, value.get());
        } else {
            removes.add("#" + attribute);
        }
    }

    private static String sequenceIs(String attribute, Optional<Long> sequence, Map<String, AttributeValue> values) {
        if (sequence.isEmpty()) {
            return "attribute_not_exists(#" + attribute + ")";
        }
        values.put(attribute + "_seq", n(sequence.get()));
        return "#" + attribute + ".#sequence = :" + attribute + "_seq";
    }

    private RetryableException contended(String call) {
        return new RetryableException("DynamoDB table " + table + ": " + call + " lost its condition "
                + MAX_CONDITION_ATTEMPTS + " times in a row to concurrent writers" + DynamoDbErrors.RETRIED);
    }

    /** The stored branch state behind a failed condition; decoding it surfaces an item of a newer schema. */
    private BranchState currentBranchState(Outcome outcome, MirrorId id, BranchId branch) {
        return outcome.current().isEmpty() ? BranchState.empty(id, branch) : codec.decodeBranchState(outcome.current());
    }

    /**
     * Updates one branch-state item: sets the common header (so whichever writer comes first creates a
     * complete item), then {@code sets} (none when null), removes {@code removes}, under {@code condition}
     * and the schema guard.
     */
    private Outcome updateBranch(String call, MirrorId id, BranchId branch, String sets, String removes, String condition,
                                 Map<String, AttributeValue> values) {
        String update = "SET " + BRANCH_HEADER + (sets == null ? "" : ", " + sets) + (removes == null ? "" : " REMOVE " + removes);
        String fullCondition = condition == null ? SCHEMA_GUARD : "(" + condition + ") AND " + SCHEMA_GUARD;
        Map<String, AttributeValue> all = new HashMap<>(values);
        all.put("schema_version", n(ItemCodec.SCHEMA_VERSION));
        all.put("type", s(ItemCodec.TYPE_BRANCH));
        all.put("mirror_id", s(id.value()));
        all.put("branch", s(branch.value()));
        return update(clients.local(), call, TableKeys.key(TableKeys.mirrorPk(organization, id), TableKeys.branchSk(branch)),
                update, fullCondition, all);
    }

    // --- plumbing

    /** A conditional write's result: written, or the item as it was when the condition failed (empty: absent). */
    private record Outcome(boolean written, Map<String, AttributeValue> current) {
        static final Outcome WRITTEN = new Outcome(true, Map.of());
    }

    private Outcome update(DynamoDbClient client, String call, Map<String, AttributeValue> key, String update,
                           String condition, Map<String, AttributeValue> values) {
        return conditional(call, () -> client.updateItem(b -> b.tableName(table).key(key)
                .updateExpression(update)
                .conditionExpression(condition)
                .expressionAttributeNames(Expressions.names(update, condition))
                .expressionAttributeValues(Expressions.values(values, update, condition))
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)));
    }

    private Outcome put(DynamoDbClient client, String call, Map<String, AttributeValue> item, String condition,
                        Map<String, AttributeValue> values) {
        return conditional(call, () -> {
            Map<String, AttributeValue> used = Expressions.values(values, condition);
            client.putItem(b -> {
                b.tableName(table).item(item)
                        .conditionExpression(condition)
                        .expressionAttributeNames(Expressions.names(condition))
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD);
                if (!used.isEmpty()) {
                    b.expressionAttributeValues(used);
                }
            });
        });
    }

    private Outcome conditional(String call, Runnable write) {
        try {
            write.run();
            return Outcome.WRITTEN;
        } catch (ConditionalCheckFailedException e) {
            return new Outcome(false, e.hasItem() ? e.item() : Map.of());
        } catch (SdkException e) {
            throw DynamoDbErrors.translate(table, call, e);
        }
    }

    private Optional<Map<String, AttributeValue>> getItem(DynamoDbClient client, String call, Map<String, AttributeValue> key) {
        return run(call, () -> {
            var response = client.getItem(b -> b.tableName(table).key(key).consistentRead(true));
            return response.hasItem() && !response.item().isEmpty() ? Optional.of(response.item()) : Optional.empty();
        });
    }

    /** Every item of partition {@code pk} matching {@code skCondition} (none: all), strongly consistent. */
    private List<Map<String, AttributeValue>> query(String call, String pk, String skCondition,
                                                    Map<String, AttributeValue> values, boolean keysOnly) {
        String keyCondition = "#pk = :pk" + (skCondition == null ? "" : " AND " + skCondition);
        Map<String, AttributeValue> all = new HashMap<>(values);
        all.put("pk", s(pk));
        QueryRequest.Builder request = QueryRequest.builder().tableName(table).consistentRead(true)
                .keyConditionExpression(keyCondition)
                .expressionAttributeNames(Expressions.names(keyCondition))
                .expressionAttributeValues(Expressions.values(all, keyCondition));
        if (keysOnly) {
            request.projectionExpression("pk, sk");
        }
        return run(call, () -> {
            List<Map<String, AttributeValue>> items = new ArrayList<>();
            clients.local().queryPaginator(request.build()).items().forEach(items::add);
            return items;
        });
    }

    private <T> T run(String call, Supplier<T> op) {
        try {
            return op.get();
        } catch (SdkException e) {
            throw DynamoDbErrors.translate(table, call, e);
        }
    }
}
