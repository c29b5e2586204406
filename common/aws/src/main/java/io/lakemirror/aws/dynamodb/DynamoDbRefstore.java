package io.lakemirror.aws.dynamodb;

import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.InvalidInputException;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.OrganizationId;
import io.lakemirror.domain.RetryableException;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.store.Refstore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
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
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The refstore on a DynamoDB table (by default the mirrors table): commit records under
 * {@code ORG#<org>#REFS#<mirror>} / {@code COMMIT#<commit>} and the presence cache under
 * {@code ORG#<org>#PRESENT#<namespace>} / {@code <file id>}. Regional: only this region writes it.
 *
 * <p>Commit records are immutable, so storing one that exists is skipped; new ones are put in
 * transactions of conditional puts, so a record is never overwritten and its promoted flag never
 * cleared, even when a promoter marks it between our read and our write. Marking promoted only
 * ever sets the flag.
 */
public final class DynamoDbRefstore implements Refstore {
    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbRefstore.class);
    /** TransactWriteItems takes 100 actions and 4 MB; stay well below the size. */
    private static final int TRANSACTION_ITEMS = 100;
    private static final long TRANSACTION_BYTES = 3_000_000;
    private static final int MAX_TRANSACTION_ATTEMPTS = 5;

    private final DynamoDbClient client;
    private final String table;
    private final OrganizationId organization;
    private final ItemCodec codec;
    private final Batches batches;

    public DynamoDbRefstore(DynamoDbClient client, String table, OrganizationId organization) {
        this.client = Objects.requireNonNull(client, "client");
        this.table = Objects.requireNonNull(table, "table");
        this.organization = Objects.requireNonNull(organization, "organization");
        this.codec = new ItemCodec(table, organization);
        this.batches = new Batches(client, table);
    }

    @Override
    public void putCommits(MirrorId mirror, Collection<CommitRecord> commits) {
        List<CommitRecord> distinct = Batches.distinct(commits, CommitRecord::id);
        Set<CommitId> stored = getCommits(mirror, distinct.stream().map(CommitRecord::id).toList()).keySet();
        List<Map<String, AttributeValue>> missing = distinct.stream().filter(c -> !stored.contains(c.id()))
                .map(c -> codec.encodeCommit(mirror, new StoredCommit(c, false))).toList();
        for (List<Map<String, AttributeValue>> chunk : transactionChunks(missing)) {
            putAbsent(mirror, chunk);
        }
        LOG.trace("Stored {} new commit record(s) of mirror {} ({} known already)", missing.size(), mirror, stored.size());
    }

    /** Puts items that must not exist yet; an item that appeared meanwhile is left as it is. */
    private void putAbsent(MirrorId mirror, List<Map<String, AttributeValue>> items) {
        String call = "putCommits(mirror " + mirror + ", " + items.size() + " records)";
        List<Map<String, AttributeValue>> pending = items;
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            List<TransactWriteItem> puts = pending.stream().map(item -> TransactWriteItem.builder().put(Put.builder()
                    .tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(#pk)")
                    .expressionAttributeNames(Expressions.names("#pk")).build()).build()).toList();
            try {
                client.transactWriteItems(b -> b.transactItems(puts));
                return;
            } catch (TransactionCanceledException e) {
                List<CancellationReason> reasons = e.hasCancellationReasons() ? e.cancellationReasons() : List.of();
                if (attempt >= MAX_TRANSACTION_ATTEMPTS || reasons.size() != pending.size()) {
                    throw DynamoDbErrors.translate(table, call, e);
                }
                List<Map<String, AttributeValue>> retry = new ArrayList<>();
                for (int i = 0; i < pending.size(); i++) {
                    String code = reasons.get(i).code();
                    if (!"ConditionalCheckFailed".equals(code)) {
                        retry.add(pending.get(i));
                    }
                }
                if (retry.size() == pending.size()) {
                    // Nothing failed its condition: a conflict or throttling cancelled the transaction.
                    if (!DynamoDbErrors.translate(table, call, e).isRetryable()) {
                        throw DynamoDbErrors.translate(table, call, e);
                    }
                    Batches.pause(attempt, () -> new RetryableException("DynamoDB table " + table + ": " + call
                            + " was interrupted" + DynamoDbErrors.RETRIED));
                }
                pending = retry;
            } catch (SdkException e) {
                throw DynamoDbErrors.translate(table, call, e);
            }
        }
    }

    private static List<List<Map<String, AttributeValue>>> transactionChunks(List<Map<String, AttributeValue>> items) {
        List<List<Map<String, AttributeValue>>> chunks = new ArrayList<>();
        List<Map<String, AttributeValue>> current = new ArrayList<>();
        long bytes = 0;
        for (Map<String, AttributeValue> item : items) {
            long size = approximateSize(item);
            if (!current.isEmpty() && (current.size() == TRANSACTION_ITEMS || bytes + size > TRANSACTION_BYTES)) {
                chunks.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(item);
            bytes += size;
        }
        if (!current.isEmpty()) {
            chunks.add(current);
        }
        return chunks;
    }

    private static long approximateSize(Map<String, AttributeValue> item) {
        long size = 0;
        for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
            size += e.getKey().length() + (e.getValue().s() == null ? 16 : e.getValue().s().length() * 3L);
        }
        return size;
    }

    @Override
    public Map<CommitId, StoredCommit> getCommits(MirrorId mirror, Collection<CommitId> ids) {
        String pk = TableKeys.refsPk(organization, mirror);
        List<Map<String, AttributeValue>> keys = Batches.distinct(ids, id -> id).stream()
                .map(id -> TableKeys.key(pk, TableKeys.commitSk(id))).toList();
        Map<CommitId, StoredCommit> found = new HashMap<>();
        for (Map<String, AttributeValue> item : batches.get("getCommits(mirror " + mirror + ", " + keys.size() + " ids)",
                keys, Optional.empty())) {
            StoredCommit stored = codec.decodeCommit(item);
            found.put(stored.commit().id(), stored);
        }
        return found;
    }

    @Override
    public void markPromoted(MirrorId mirror, Collection<CommitId> ids) {
        // Rewriting an immutable record with the flag set cannot lose anything: nothing ever clears it.
        List<Map<String, AttributeValue>> updated = getCommits(mirror, ids).values().stream()
                .filter(c -> !c.promoted())
                .map(c -> codec.encodeCommit(mirror, new StoredCommit(c.commit(), true)))
                .toList();
        batches.put("markPromoted(mirror " + mirror + ", " + updated.size() + " records)", updated);
    }

    @Override
    public void evictCommits(MirrorId mirror, Collection<CommitId> ids) {
        String pk = TableKeys.refsPk(organization, mirror);
        List<Map<String, AttributeValue>> keys = Batches.distinct(ids, id -> id).stream()
                .map(id -> TableKeys.key(pk, TableKeys.commitSk(id))).toList();
        batches.delete("evictCommits(mirror " + mirror + ", " + keys.size() + " ids)", keys);
        LOG.debug("Evicted {} commit record(s) of mirror {}", keys.size(), mirror);
    }

    @Override
    public void deleteMirror(MirrorId mirror) {
        String call = "deleteMirror(refstore of mirror " + mirror + ")";
        String keyCondition = "#pk = :pk";
        QueryRequest request = QueryRequest.builder().tableName(table).consistentRead(true)
                .keyConditionExpression(keyCondition)
                .expressionAttributeNames(Expressions.names(keyCondition))
                .expressionAttributeValues(Map.of(":pk", ItemCodec.s(TableKeys.refsPk(organization, mirror))))
                .projectionExpression("pk, sk")
                .build();
        List<Map<String, AttributeValue>> keys = run(call, () -> {
            List<Map<String, AttributeValue>> all = new ArrayList<>();
            client.queryPaginator(request).items().forEach(all::add);
            return all;
        });
        batches.delete(call, keys);
        LOG.debug("Deleted {} commit record(s) of mirror {}", keys.size(), mirror);
    }

    @Override
    public Set<String> knownPresent(StorageNamespace namespace, Collection<String> fileIds) {
        String pk = TableKeys.presentPk(organization, namespace);
        List<Map<String, AttributeValue>> keys = Batches.distinct(fileIds, f -> f).stream()
                .map(f -> TableKeys.key(pk, requireFileId(f))).toList();
        Set<String> found = new HashSet<>();
        for (Map<String, AttributeValue> item : batches.get("knownPresent(" + namespace + ", " + keys.size() + " files)",
                keys, Optional.of("pk, sk"))) {
            found.add(item.get(TableKeys.SK).s());
        }
        return found;
    }

    @Override
    public void recordPresent(StorageNamespace namespace, Collection<String> fileIds, Instant checkedAt) {
        List<Map<String, AttributeValue>> items = Batches.distinct(fileIds, f -> f).stream()
                .map(f -> codec.encodePresent(namespace, requireFileId(f), checkedAt)).toList();
        batches.put("recordPresent(" + namespace + ", " + items.size() + " files)", items);
    }

    @Override
    public Map<String, Instant> checkedPresent(StorageNamespace namespace, Collection<String> fileIds) {
        String pk = TableKeys.presentPk(organization, namespace);
        List<Map<String, AttributeValue>> keys = Batches.distinct(fileIds, f -> f).stream()
                .map(f -> TableKeys.key(pk, requireFileId(f))).toList();
        Map<String, Instant> found = new HashMap<>();
        for (Map<String, AttributeValue> item : batches.get("checkedPresent(" + namespace + ", " + keys.size()
                + " files)", keys, Optional.empty())) {
            ItemCodec.PresentFile file = codec.decodePresent(item);
            found.put(file.fileId(), file.checkedAt());
        }
        return found;
    }

    @Override
    public void forgetPresent(StorageNamespace namespace, Collection<String> fileIds) {
        String pk = TableKeys.presentPk(organization, namespace);
        List<Map<String, AttributeValue>> keys = Batches.distinct(fileIds, f -> f).stream()
                .map(f -> TableKeys.key(pk, requireFileId(f))).toList();
        batches.delete("forgetPresent(" + namespace + ", " + keys.size() + " files)", keys);
    }

    private static String requireFileId(String fileId) {
        if (fileId == null || fileId.isEmpty()) {
            throw new InvalidInputException("a file ID must not be empty (a sort key cannot be); not retried");
        }
        return fileId;
    }

    private <T> T run(String call, Supplier<T> op) {
        try {
            return op.get();
        } catch (SdkException e) {
            throw DynamoDbErrors.translate(table, call, e);
        }
    }
}
