package io.lakemirror.aws.dynamodb;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.OrganizationId;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.domain.TagId;
import io.lakemirror.messages.CommitRecordJson;
import io.lakemirror.store.BranchState;
import io.lakemirror.store.MirrorSpec;
import io.lakemirror.store.MirrorState;
import io.lakemirror.store.MirrorStatus;
import io.lakemirror.store.Refstore;
import io.lakemirror.store.SensorBranchState;
import io.lakemirror.store.SourceStatus;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Encodes the mirrors-database and refstore items of one organization and decodes them back
 * (docs/design/pipeline.md, "Mirrors database layout"). Every item carries {@code schema_version}
 * and {@code type}; attribute names are snake_case; instants are fixed-width ISO-8601 strings in
 * UTC with nanoseconds, so that conditions compare them as strings in time order.
 */
public final class ItemCodec {
    /** The item schema this version writes, and the newest it reads. */
    public static final int SCHEMA_VERSION = 1;
    static final String SCHEMA_VERSION_ATTR = "schema_version";
    static final String TYPE_ATTR = "type";

    static final String TYPE_SPEC = "mirror_spec";
    static final String TYPE_STATUS = "mirror_status";
    static final String TYPE_SOURCE = "source_status";
    static final String TYPE_CLAIM = "name_claim";
    static final String TYPE_SENSOR = "sensor_branch_state";
    static final String TYPE_SENT = "sent_commit";
    static final String TYPE_BRANCH = "branch_state";
    static final String TYPE_COMMIT = "commit_record";
    static final String TYPE_PRESENT = "present_file";

    static final String MIRROR_ID = "mirror_id";
    static final String NAME = "name";
    static final String SOURCE_REPOSITORY = "source_repository";
    static final String SOURCE_REGION = "source_region";
    static final String DESTINATION_REGION = "destination_region";
    static final String STORAGE_NAMESPACE = "storage_namespace";
    static final String DEFAULT_BRANCH = "default_branch";
    static final String CREATED_AT = "created_at";
    static final String CREATED_BY = "created_by";
    static final String DELETE_REQUESTED_AT = "delete_requested_at";
    static final String STATE = "state";
    static final String MESSAGE = "message";
    static final String UPDATED_AT = "updated_at";
    static final String LEASE_OWNER = "lease_owner";
    static final String LEASE_UNTIL = "lease_until";
    static final String LAST_SCAN_AT = "last_scan_at";
    static final String LAST_ERROR = "last_error";
    static final String BRANCH = "branch";
    static final String SEQUENCE = "sequence";
    static final String HEAD = "head";
    static final String SENSED_AT = "sensed_at";
    static final String SENT = "sent";
    static final String COMMITS_SENT = "commits_sent";
    static final String COMMIT_ID = "commit_id";
    static final String VALIDATED = "validated";
    static final String VALIDATED_AT = "validated_at";
    static final String WAITING = "waiting";
    static final String MISSING = "missing";
    static final String SINCE = "since";
    static final String LAST_CHECK_AT = "last_check_at";
    static final String CHECKS = "checks";
    static final String VALIDATOR_ERROR = "validator_error";
    static final String PROMOTED = "promoted";
    static final String PROMOTED_AT = "promoted_at";
    static final String PROMOTION = "promotion";
    static final String OWNER = "owner";
    static final String UNTIL = "until";
    /** A promotion lease's random version (added without a schema bump: a lease without one reads as owner@until). */
    static final String VERSION = "version";
    static final String PROMOTER_ERROR = "promoter_error";
    static final String AT = "at";
    static final String COMMIT = "commit";
    static final String NAMESPACE = "namespace";
    static final String FILE_ID = "file_id";
    static final String CHECKED_AT = "checked_at";
    static final String UNPROMOTED = "unpromoted";
    static final String SOURCE_CREATED_AT = "source_created_at";
    static final String SOURCE_STORAGE_NAMESPACE = "source_storage_namespace";
    static final String MIRROR_TAGS = "mirror_tags";
    static final String TAGS_WAITING = "tags_waiting";
    static final String TAG = "tag";
    static final String MISSING_COUNT = "missing_count";

    private static final DateTimeFormatter INSTANT = DateTimeFormatter
            .ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String table;
    private final OrganizationId organization;

    public ItemCodec(String table, OrganizationId organization) {
        this.table = Objects.requireNonNull(table, "table");
        this.organization = Objects.requireNonNull(organization, "organization");
    }

    public String table() {
        return table;
    }

    public OrganizationId organization() {
        return organization;
    }

    // --- attribute values

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    static AttributeValue bool(boolean value) {
        return AttributeValue.fromBool(value);
    }

    /** Fixed width (always nine fraction digits), so string order is time order. */
    static AttributeValue instant(Instant value) {
        return s(INSTANT.format(value));
    }

    static String formatInstant(Instant value) {
        return INSTANT.format(value);
    }

    private Map<String, AttributeValue> item(String pk, String sk, String type) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(TableKeys.PK, s(pk));
        item.put(TableKeys.SK, s(sk));
        item.put(SCHEMA_VERSION_ATTR, n(SCHEMA_VERSION));
        item.put(TYPE_ATTR, s(type));
        return item;
    }

    private ItemReader reader(Map<String, AttributeValue> item, String type) {
        return ItemReader.of(item, table, type);
    }

    // --- mirror spec

    public Map<String, AttributeValue> encodeSpec(MirrorSpec spec) {
        Map<String, AttributeValue> item = item(TableKeys.mirrorsPk(organization), TableKeys.specSk(spec.id()), TYPE_SPEC);
        item.put(MIRROR_ID, s(spec.id().value()));
        item.put(NAME, s(spec.name().value()));
        item.put(SOURCE_REPOSITORY, s(spec.sourceRepository().value()));
        item.put(SOURCE_REGION, s(spec.sourceRegion().value()));
        item.put(DESTINATION_REGION, s(spec.destinationRegion().value()));
        item.put(STORAGE_NAMESPACE, s(spec.storageNamespace().value()));
        item.put(DEFAULT_BRANCH, s(spec.defaultBranch().value()));
        item.put(CREATED_AT, instant(spec.createdAt()));
        item.put(CREATED_BY, s(spec.createdBy()));
        spec.deleteRequestedAt().ifPresent(at -> item.put(DELETE_REQUESTED_AT, instant(at)));
        spec.sourceIdentity().ifPresent(source -> {
            item.put(SOURCE_CREATED_AT, instant(source.creationDate()));
            item.put(SOURCE_STORAGE_NAMESPACE, s(source.storageNamespace()));
        });
        item.put(MIRROR_TAGS, bool(spec.mirrorTags()));
        return item;
    }

    public MirrorSpec decodeSpec(Map<String, AttributeValue> item) {
        ItemReader r = reader(item, TYPE_SPEC);
        return r.decode("mirror spec", () -> new MirrorSpec(MirrorId.of(r.string(MIRROR_ID)),
                RepositoryId.of(r.string(NAME)), RepositoryId.of(r.string(SOURCE_REPOSITORY)),
                Region.of(r.string(SOURCE_REGION)), Region.of(r.string(DESTINATION_REGION)),
                StorageNamespace.of(r.string(STORAGE_NAMESPACE)), BranchId.of(r.string(DEFAULT_BRANCH)),
                r.instant(CREATED_AT), r.string(CREATED_BY), r.optionalInstant(DELETE_REQUESTED_AT),
                r.has(SOURCE_CREATED_AT) ? Optional.of(new MirrorSpec.SourceIdentity(r.instant(SOURCE_CREATED_AT),
                        r.string(SOURCE_STORAGE_NAMESPACE))) : Optional.empty(),
                // Specs written before issue 23 have no flag: they mirror tags, the default.
                !r.has(MIRROR_TAGS) || r.bool(MIRROR_TAGS)));
    }

    // --- mirror status

    public Map<String, AttributeValue> encodeStatus(MirrorStatus status) {
        Map<String, AttributeValue> item = item(TableKeys.mirrorsPk(organization), TableKeys.statusSk(status.mirrorId()),
                TYPE_STATUS);
        item.put(MIRROR_ID, s(status.mirrorId().value()));
        item.put(STATE, s(status.state().name()));
        item.put(MESSAGE, s(status.message()));
        item.put(UPDATED_AT, instant(status.updatedAt()));
        if (!status.tagsWaiting().isEmpty()) {
            item.put(TAGS_WAITING, AttributeValue.fromL(status.tagsWaiting().stream().map(ItemCodec::tagWaiting).toList()));
        }
        return item;
    }

    public MirrorStatus decodeStatus(Map<String, AttributeValue> item) {
        ItemReader r = reader(item, TYPE_STATUS);
        return r.decode("mirror status", () -> new MirrorStatus(MirrorId.of(r.string(MIRROR_ID)),
                MirrorState.valueOf(r.string(STATE)), r.string(MESSAGE), r.instant(UPDATED_AT),
                r.optionalMaps(TAGS_WAITING, w -> new MirrorStatus.TagWaiting(TagId.of(w.string(TAG)),
                        CommitId.of(w.string(COMMIT_ID)), w.number(MISSING_COUNT), w.strings(MISSING)))));
    }

    static AttributeValue tagWaiting(MirrorStatus.TagWaiting w) {
        return AttributeValue.fromM(Map.of(
                TAG, s(w.tag().value()),
                COMMIT_ID, s(w.commit().value()),
                MISSING_COUNT, n(w.missingCount()),
                MISSING, AttributeValue.fromL(w.missingFiles().stream().map(ItemCodec::s).toList())));
    }

    // --- source status

    public Map<String, AttributeValue> encodeSource(SourceStatus source) {
        Map<String, AttributeValue> item = item(TableKeys.mirrorsPk(organization), TableKeys.sourceSk(source.mirrorId()),
                TYPE_SOURCE);
        item.put(MIRROR_ID, s(source.mirrorId().value()));
        item.put(LEASE_OWNER, s(source.leaseOwner()));
        item.put(LEASE_UNTIL, instant(source.leaseUntil()));
        source.lastScanAt().ifPresent(at -> item.put(LAST_SCAN_AT, instant(at)));
        source.lastError().ifPresent(e -> item.put(LAST_ERROR, s(e)));
        return item;
    }

    public SourceStatus decodeSource(Map<String, AttributeValue> item) {
        ItemReader r = reader(item, TYPE_SOURCE);
        return r.decode("source status", () -> new SourceStatus(MirrorId.of(r.string(MIRROR_ID)),
                r.string(LEASE_OWNER), r.instant(LEASE_UNTIL), r.optionalInstant(LAST_SCAN_AT),
                r.optionalString(LAST_ERROR)));
    }

    // --- name claim

    /** The item by which a mirror holds its name in its destination region. */
    public record NameClaim(Region destination, RepositoryId name, MirrorId holder) {
    }

    public Map<String, AttributeValue> encodeClaim(NameClaim claim) {
        Map<String, AttributeValue> item = item(TableKeys.claimPk(organization, claim.destination(), claim.name()),
                TableKeys.CLAIM_SK, TYPE_CLAIM);
        item.put(MIRROR_ID, s(claim.holder().value()));
        item.put(DESTINATION_REGION, s(claim.destination().value()));
        item.put(NAME, s(claim.name().value()));
        return item;
    }

    public NameClaim decodeClaim(Map<String, AttributeValue> item) {
        ItemReader r = reader(item, TYPE_CLAIM);
        return r.decode("name claim", () -> new NameClaim(Region.of(r.string(DESTINATION_REGION)),
                RepositoryId.of(r.string(NAME)), MirrorId.of(r.string(MIRROR_ID))));
    }

    // --- sensor branch state

    public Map<String, AttributeValue> encodeSensorState(SensorBranchState state) {
        Map<String, AttributeValue> item = item(TableKeys.mirrorPk(organization, state.mirrorId()),
                TableKeys.sensorSk(state.branch()), TYPE_SENSOR);
        item.put(MIRROR_ID, s(state.mirrorId().value()));
        item.put(BRANCH, s(state.branch().value()));
        item.put(SEQUENCE, n(state.sequence()));
        state.head().ifPresent(h -> item.put(HEAD, s(h.value())));
        item.put(SENSED_AT, instant(state.sensedAt()));
        item.put(SENT, bool(state.sent()));
        item.put(COMMITS_SENT, n(state.commitsSent()));
        if (!state.unpromoted().isEmpty()) {
            item.put(UNPROMOTED, AttributeValue.fromL(state.unpromoted().stream()
                    .map(u -> AttributeValue.fromM(Map.of(SEQUENCE, n(u.sequence()), SENSED_AT, instant(u.at()))))
                    .toList()));
        }
        return item;
    }

    public SensorBranchState decodeSensorState(Map<String, AttributeValue> item) {
        ItemReader r = reader(item, TYPE_SENSOR);
        return r.decode("sensor branch state", () -> new SensorBranchState(MirrorId.of(r.string(MIRROR_ID)),
                BranchId.of(r.string(BRANCH)), r.number(SEQUENCE), r.optionalString(HEAD).map(CommitId::of),
                r.instant(SENSED_AT), r.bool(SENT), r.number(COMMITS_SENT),
                r.optionalMaps(UNPROMOTED, u -> new SensorBranchState.Sensed(u.number(SEQUENCE), u.instant(SENSED_AT)))));
    }

    // --- sent commit

    public Map<String, AttributeValue> encodeSentCommit(MirrorId mirror, CommitId commit) {
        Map<String, AttributeValue> item = item(TableKeys.mirrorPk(organization, mirror), TableKeys.sentSk(commit), TYPE_SENT);
        item.put(MIRROR_ID, s(mirror.value()));
        item.put(COMMIT_ID, s(commit.value()));
        return item;
    }

    public CommitId decodeSentCommit(Map<String, AttributeValue> item) {
        ItemReader r = reader(item, TYPE_SENT);
        return r.decode("sent commit", () -> CommitId.of(r.string(COMMIT_ID)));
    }

    // --- branch state: one map attribute per group, so validator and promoter update disjoint attributes

    /** The attributes every branch-state write sets, so that whichever writer comes first creates a whole item. */
    Map<String, AttributeValue> branchStateHeader(MirrorId mirror, BranchId branch) {
        Map<String, AttributeValue> header = new HashMap<>();
        header.put(SCHEMA_VERSION_ATTR, n(SCHEMA_VERSION));
        header.put(TYPE_ATTR, s(TYPE_BRANCH));
        header.put(MIRROR_ID, s(mirror.value()));
        header.put(BRANCH, s(branch.value()));
        return header;
    }

    public Map<String, AttributeValue> encodeBranchState(BranchState state) {
        Map<String, AttributeValue> item = item(TableKeys.mirrorPk(organization, state.mirrorId()),
                TableKeys.branchSk(state.branch()), TYPE_BRANCH);
        item.putAll(branchStateHeader(state.mirrorId(), state.branch()));
        state.validated().ifPresent(v -> item.put(VALIDATED, validated(v)));
        state.waiting().ifPresent(w -> item.put(WAITING, waiting(w)));
        state.validatorError().ifPresent(e -> item.put(VALIDATOR_ERROR, error(e)));
        state.promoted().ifPresent(p -> item.put(PROMOTED, promoted(p)));
        state.promotion().ifPresent(l -> item.put(PROMOTION, lease(l)));
        state.promoterError().ifPresent(e -> item.put(PROMOTER_ERROR, error(e)));
        return item;
    }

    public BranchState decodeBranchState(Map<String, AttributeValue> item) {
        ItemReader r = reader(item, TYPE_BRANCH);
        return r.decode("branch state", () -> new BranchState(MirrorId.of(r.string(MIRROR_ID)),
                BranchId.of(r.string(BRANCH)),
                r.optionalMap(VALIDATED, v -> v.decode(VALIDATED, () -> new BranchState.Validated(v.number(SEQUENCE),
                        v.optionalString(HEAD).map(CommitId::of), v.instant(SENSED_AT), v.instant(VALIDATED_AT),
                        v.number(COMMITS_SENT)))),
                r.optionalMap(WAITING, w -> w.decode(WAITING, () -> new BranchState.Waiting(w.number(SEQUENCE),
                        CommitId.of(w.string(HEAD)), w.strings(MISSING), w.instant(SINCE), w.instant(LAST_CHECK_AT),
                        w.intNumber(CHECKS)))),
                r.optionalMap(VALIDATOR_ERROR, ItemCodec::decodeError),
                r.optionalMap(PROMOTED, p -> p.decode(PROMOTED, () -> new BranchState.Promoted(p.number(SEQUENCE),
                        p.optionalString(HEAD).map(CommitId::of), p.instant(PROMOTED_AT), p.number(COMMITS_SENT)))),
                r.optionalMap(PROMOTION, l -> l.decode(PROMOTION, () -> new BranchState.PromotionLease(l.number(SEQUENCE),
                        l.string(OWNER), l.instant(UNTIL), l.optionalString(VERSION)
                        .orElseGet(() -> BranchState.PromotionLease.legacyVersion(l.string(OWNER), l.instant(UNTIL)))))),
                r.optionalMap(PROMOTER_ERROR, ItemCodec::decodeError)));
    }

    static AttributeValue validated(BranchState.Validated v) {
        Map<String, AttributeValue> m = new HashMap<>();
        m.put(SEQUENCE, n(v.sequence()));
        v.head().ifPresent(h -> m.put(HEAD, s(h.value())));
        m.put(SENSED_AT, instant(v.sensedAt()));
        m.put(VALIDATED_AT, instant(v.validatedAt()));
        m.put(COMMITS_SENT, n(v.commitsSent()));
        return AttributeValue.fromM(m);
    }

    static AttributeValue waiting(BranchState.Waiting w) {
        return AttributeValue.fromM(Map.of(
                SEQUENCE, n(w.sequence()),
                HEAD, s(w.head().value()),
                MISSING, AttributeValue.fromL(w.missing().stream().map(ItemCodec::s).toList()),
                SINCE, instant(w.since()),
                LAST_CHECK_AT, instant(w.lastCheckAt()),
                CHECKS, n(w.checks())));
    }

    static AttributeValue promoted(BranchState.Promoted p) {
        Map<String, AttributeValue> m = new HashMap<>();
        m.put(SEQUENCE, n(p.sequence()));
        p.head().ifPresent(h -> m.put(HEAD, s(h.value())));
        m.put(PROMOTED_AT, instant(p.promotedAt()));
        m.put(COMMITS_SENT, n(p.commitsSent()));
        return AttributeValue.fromM(m);
    }

    static AttributeValue lease(BranchState.PromotionLease l) {
        return AttributeValue.fromM(Map.of(SEQUENCE, n(l.sequence()), OWNER, s(l.owner()), UNTIL, instant(l.until()),
                VERSION, s(l.version())));
    }

    static AttributeValue error(BranchState.ErrorInfo e) {
        return AttributeValue.fromM(Map.of(MESSAGE, s(e.message()), AT, instant(e.at())));
    }

    private static BranchState.ErrorInfo decodeError(ItemReader e) {
        return e.decode("error", () -> new BranchState.ErrorInfo(e.string(MESSAGE), e.instant(AT)));
    }

    // --- refstore: commit records

    public Map<String, AttributeValue> encodeCommit(MirrorId mirror, Refstore.StoredCommit stored) {
        CommitRecord commit = stored.commit();
        Map<String, AttributeValue> item = item(TableKeys.refsPk(organization, mirror), TableKeys.commitSk(commit.id()),
                TYPE_COMMIT);
        item.put(MIRROR_ID, s(mirror.value()));
        item.put(COMMIT_ID, s(commit.id().value()));
        try {
            item.put(COMMIT, s(JSON.writeValueAsString(CommitRecordJson.encode(commit))));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot serialize commit " + commit.id(), e);
        }
        item.put(PROMOTED, bool(stored.promoted()));
        return item;
    }

    public Refstore.StoredCommit decodeCommit(Map<String, AttributeValue> item) {
        ItemReader r = reader(item, TYPE_COMMIT);
        String json = r.string(COMMIT);
        CommitRecord commit = r.decode(COMMIT, () -> {
            try {
                return CommitRecordJson.decode(JSON.readTree(json), COMMIT);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
            }
        });
        String id = r.string(COMMIT_ID);
        if (!commit.id().value().equals(id)) {
            throw r.corrupt("commit_id " + id + " differs from the stored record's id " + commit.id());
        }
        return new Refstore.StoredCommit(commit, r.bool(PROMOTED));
    }

    // --- refstore: presence cache

    public Map<String, AttributeValue> encodePresent(StorageNamespace namespace, String fileId, Instant checkedAt) {
        Map<String, AttributeValue> item = item(TableKeys.presentPk(organization, namespace), fileId, TYPE_PRESENT);
        item.put(NAMESPACE, s(namespace.value()));
        item.put(FILE_ID, s(fileId));
        item.put(CHECKED_AT, instant(checkedAt));
        return item;
    }

    /** A present-file item: which file of which namespace, checked when. */
    public record PresentFile(StorageNamespace namespace, String fileId, Instant checkedAt) {
    }

    public PresentFile decodePresent(Map<String, AttributeValue> item) {
        ItemReader r = reader(item, TYPE_PRESENT);
        return r.decode("present file", () -> new PresentFile(StorageNamespace.of(r.string(NAMESPACE)),
                r.string(FILE_ID), r.instant(CHECKED_AT)));
    }
}
