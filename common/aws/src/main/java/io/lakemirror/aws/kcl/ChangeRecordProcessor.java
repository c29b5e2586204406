package io.lakemirror.aws.kcl;

import com.amazonaws.services.dynamodbv2.streamsadapter.adapter.DynamoDBStreamsClientRecord;
import com.amazonaws.services.dynamodbv2.streamsadapter.model.DynamoDBStreamsProcessRecordsInput;
import com.amazonaws.services.dynamodbv2.streamsadapter.processor.DynamoDBStreamsShardRecordProcessor;
import io.lakemirror.aws.dynamodb.StreamChanges;
import io.lakemirror.store.ChangeFeed;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import software.amazon.kinesis.exceptions.InvalidStateException;
import software.amazon.kinesis.exceptions.KinesisClientLibDependencyException;
import software.amazon.kinesis.exceptions.ShutdownException;
import software.amazon.kinesis.exceptions.ThrottlingException;
import software.amazon.kinesis.lifecycle.events.InitializationInput;
import software.amazon.kinesis.lifecycle.events.LeaseLostInput;
import software.amazon.kinesis.lifecycle.events.ShardEndedInput;
import software.amazon.kinesis.lifecycle.events.ShutdownRequestedInput;
import software.amazon.kinesis.processor.RecordProcessorCheckpointer;

/**
 * Hands each batch of one shard to the listener as domain changes, then checkpoints; always
 * checkpoints at shard end and when shutdown is requested. Thin on purpose: decoding lives in
 * {@link StreamChanges}, decisions in the listener. KCL calls one instance from one thread at a time.
 */
final class ChangeRecordProcessor implements DynamoDBStreamsShardRecordProcessor {
    static final String MDC_SHARD = "shard";
    private static final Logger LOG = LoggerFactory.getLogger(ChangeRecordProcessor.class);
    private static final int CHECKPOINT_ATTEMPTS = 3;

    private final String feed;
    private final StreamChanges changes;
    private final ChangeFeed.Listener listener;
    private String shardId = "unknown";

    ChangeRecordProcessor(String feed, StreamChanges changes, ChangeFeed.Listener listener) {
        this.feed = feed;
        this.changes = changes;
        this.listener = listener;
    }

    @Override
    public void initialize(InitializationInput input) {
        shardId = input.shardId();
        withShard(() -> LOG.info("Change feed {} reads shard {} from {}", feed, shardId, input.extendedSequenceNumber()));
    }

    @Override
    public void processRecords(DynamoDBStreamsProcessRecordsInput input) {
        withShard(() -> {
            List<ChangeFeed.Change> batch = new ArrayList<>(input.records().size());
            for (DynamoDBStreamsClientRecord record : input.records()) {
                changes.toChange(record.getRecord()).ifPresent(batch::add);
            }
            LOG.trace("Shard {}: {} record(s), {} change(s)", shardId, input.records().size(), batch.size());
            if (!batch.isEmpty()) {
                try {
                    listener.onChanges(List.copyOf(batch));
                } catch (RuntimeException e) {
                    LOG.warn("Change feed {}: the listener failed on a batch of {} change(s); moving on, the periodic"
                            + " reconcile repairs what it missed", feed, batch.size(), e);
                }
            }
            checkpoint(input.checkpointer(), "after a batch of " + input.records().size() + " record(s)");
        });
    }

    @Override
    public void leaseLost(LeaseLostInput input) {
        withShard(() -> LOG.info("Change feed {} lost the lease of shard {}; another worker continues from its checkpoint",
                feed, shardId));
    }

    @Override
    public void shardEnded(ShardEndedInput input) {
        withShard(() -> {
            checkpoint(input.checkpointer(), "at shard end");
            LOG.info("Change feed {} finished shard {}", feed, shardId);
        });
    }

    @Override
    public void shutdownRequested(ShutdownRequestedInput input) {
        withShard(() -> {
            checkpoint(input.checkpointer(), "at shutdown");
            LOG.debug("Change feed {} checkpointed shard {} for shutdown", feed, shardId);
        });
    }

    /** Runs a callback with the shard ID in the MDC, so every log line of it names the shard. */
    private void withShard(Runnable callback) {
        MDC.put(MDC_SHARD, shardId);
        try {
            callback.run();
        } finally {
            MDC.remove(MDC_SHARD);
        }
    }

    private void checkpoint(RecordProcessorCheckpointer checkpointer, String when) {
        for (int attempt = 1; attempt <= CHECKPOINT_ATTEMPTS; attempt++) {
            try {
                checkpointer.checkpoint();
                return;
            } catch (ThrottlingException | KinesisClientLibDependencyException e) {
                if (attempt == CHECKPOINT_ATTEMPTS) {
                    LOG.warn("Change feed {}: checkpoint of shard {} {} failed {} times ({}); the next batch checkpoints"
                            + " again, a restart before then replays this batch", feed, shardId, when, attempt, e.getMessage());
                    return;
                }
                try {
                    TimeUnit.MILLISECONDS.sleep(100L * attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            } catch (ShutdownException e) {
                LOG.debug("Change feed {}: checkpoint of shard {} {} refused, the lease is gone ({})", feed, shardId, when,
                        e.getMessage());
                return;
            } catch (InvalidStateException e) {
                LOG.error("Change feed {}: checkpoint of shard {} {} failed, the lease table is unusable; a restart"
                        + " replays from the last checkpoint", feed, shardId, when, e);
                return;
            }
        }
    }
}
