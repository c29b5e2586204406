package io.lakemirror.aws.dynamodb;

import io.lakemirror.domain.OrganizationId;
import io.lakemirror.domain.ReplicationException;
import io.lakemirror.store.BranchState;
import io.lakemirror.store.ChangeFeed;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;

/**
 * Reduces a DynamoDB Streams record of the mirrors table to the change consumers act on: a spec,
 * status or source-status item becomes {@link ChangeFeed.MirrorChanged}; a branch-state item
 * becomes {@link ChangeFeed.BranchChanged} with its decoded new image (empty when removed). Items
 * of other types or of other organizations are no change for this process.
 */
public final class StreamChanges {
    private static final Logger LOG = LoggerFactory.getLogger(StreamChanges.class);

    private final OrganizationId organization;
    private final ItemCodec codec;

    public StreamChanges(String table, OrganizationId organization) {
        this.organization = Objects.requireNonNull(organization, "organization");
        this.codec = new ItemCodec(table, organization);
    }

    /**
     * The change a stream record stands for, if any. A branch-state image that cannot be decoded
     * (corrupt, or of a newer schema) is logged and skipped: the consumers' periodic reconcile meets
     * the same item and reports it where someone acts on it.
     */
    public Optional<ChangeFeed.Change> toChange(Record record) {
        StreamRecord data = record.dynamodb();
        if (data == null || !data.hasKeys()) {
            return Optional.empty();
        }
        Map<String, AttributeValue> keys = data.keys();
        AttributeValue pk = keys.get(TableKeys.PK);
        AttributeValue sk = keys.get(TableKeys.SK);
        if (pk == null || pk.s() == null || sk == null || sk.s() == null) {
            return Optional.empty();
        }
        Optional<TableKeys.ItemKey> key = TableKeys.parse(pk.s(), sk.s());
        if (key.isEmpty() || !key.get().organization().equals(organization)) {
            LOG.trace("Ignoring stream record {} of {}/{} (not an item of organization {})", record.eventID(), pk.s(), sk.s(),
                    organization);
            return Optional.empty();
        }
        if (key.get() instanceof TableKeys.MirrorItemKey m) {
            return Optional.of(new ChangeFeed.MirrorChanged(m.mirror()));
        }
        if (key.get() instanceof TableKeys.BranchItemKey b) {
            return branchChange(record, data, b);
        }
        return Optional.empty();
    }

    private Optional<ChangeFeed.Change> branchChange(Record record, StreamRecord data, TableKeys.BranchItemKey key) {
        if (record.eventName() == OperationType.REMOVE) {
            return Optional.of(new ChangeFeed.BranchChanged(key.mirror(), key.branch(), Optional.empty()));
        }
        if (!data.hasNewImage() || data.newImage().isEmpty()) {
            LOG.warn("Stream record {} of branch state {}/{} carries no new image: the table's stream must be"
                    + " NEW_AND_OLD_IMAGES; skipped, the periodic reconcile picks the change up", record.eventID(),
                    key.mirror(), key.branch());
            return Optional.empty();
        }
        try {
            BranchState state = codec.decodeBranchState(data.newImage());
            return Optional.of(new ChangeFeed.BranchChanged(key.mirror(), key.branch(), Optional.of(state)));
        } catch (ReplicationException e) {
            LOG.warn("Stream record {} of branch state {}/{} cannot be read ({}); skipped, the periodic reconcile"
                    + " meets the same item", record.eventID(), key.mirror(), key.branch(), e.getMessage());
            return Optional.empty();
        }
    }
}
