package io.lakemirror.infra.constructs;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.DeduplicationScope;
import software.amazon.awscdk.services.sqs.FifoThroughputLimit;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * The commits queue of one destination region: a FIFO queue that source-region sensors send
 * {@code CommitsDetected} to, grouped by mirror and branch so each branch is validated in order, and
 * its FIFO dead-letter queue for messages the validator keeps failing on.
 *
 * <p>Deduplication is by explicit message id (the sensor's sequence), not content, and scoped to the
 * message group with a per-group throughput limit: high-throughput FIFO, since ordering only matters
 * within a branch.
 */
public final class CommitsQueue extends Construct {
    private static final String FIFO_SUFFIX = ".fifo";
    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html
    private static final int MAX_RECEIVE_COUNT = 1000;
    private static final Duration RETENTION = Duration.days(14);

    private final Queue queue;
    private final Queue deadLetterQueue;
    private final String queueName;

    public CommitsQueue(Construct scope, String id, CommitsQueueProps props) {
        super(scope, id);
        this.queueName = props.getQueueName();
        getNode().addValidation(() -> validate(props));
        this.deadLetterQueue = Queue.Builder.create(this, "DeadLetterQueue")
                .queueName(deadLetterQueueName(props.getQueueName()))
                .fifo(true)
                .retentionPeriod(RETENTION)
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .build();
        this.queue = Queue.Builder.create(this, "Queue")
                .queueName(props.getQueueName())
                .fifo(true)
                .contentBasedDeduplication(false)
                .deduplicationScope(DeduplicationScope.MESSAGE_GROUP)
                .fifoThroughputLimit(FifoThroughputLimit.PER_MESSAGE_GROUP_ID)
                .visibilityTimeout(props.getVisibilityTimeout())
                .retentionPeriod(RETENTION)
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .deadLetterQueue(DeadLetterQueue.builder()
                        .queue(deadLetterQueue)
                        .maxReceiveCount(props.getMaxReceiveCount())
                        .build())
                .build();
    }

    /**
     * ARN of the commits queue called {@code queueName} in {@code region}, for a stack that sends to the
     * queue of another region (the queue name is the same everywhere; the account is the stack's).
     */
    public static String arnInRegion(Construct scope, String region, String queueName) {
        return Arns.queue(scope, region, queueName);
    }

    /** {@code lakemirror-commits.fifo} → {@code lakemirror-commits-dlq.fifo}. */
    static String deadLetterQueueName(String queueName) {
        String base = queueName.endsWith(FIFO_SUFFIX)
                ? queueName.substring(0, queueName.length() - FIFO_SUFFIX.length())
                : queueName;
        return base + "-dlq" + FIFO_SUFFIX;
    }

    private static List<String> validate(CommitsQueueProps props) {
        // Queue itself rejects, as it is built, a FIFO name without .fifo, a name over 80 characters, a
        // receive count below 1 and a visibility timeout over 12 hours; SQS's upper bound is left to us.
        List<String> problems = new ArrayList<>();
        if (props.getMaxReceiveCount() > MAX_RECEIVE_COUNT) {
            problems.add("maxReceiveCount " + props.getMaxReceiveCount() + " is out of range: SQS accepts 1 to "
                    + MAX_RECEIVE_COUNT);
        }
        return problems;
    }

    /** The FIFO queue the sensors send to and this region's validators receive from. */
    public Queue getQueue() {
        return queue;
    }

    /** The literal queue name (not a token), for the service's configuration. */
    public String getQueueName() {
        return queueName;
    }

    /** Where a message lands after {@link CommitsQueueProps#getMaxReceiveCount()} failed receives. */
    public Queue getDeadLetterQueue() {
        return deadLetterQueue;
    }
}
