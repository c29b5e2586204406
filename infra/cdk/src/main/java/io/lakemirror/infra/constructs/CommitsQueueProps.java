package io.lakemirror.infra.constructs;

import io.lakemirror.config.ConfigKeys;
import java.util.Objects;
import software.amazon.awscdk.Duration;

/** Properties of {@link CommitsQueue}. */
public final class CommitsQueueProps {
    /** The service's default queue name ({@code queue.sqs.queue_name}). */
    public static final String DEFAULT_QUEUE_NAME = ConfigKeys.QUEUE_SQS_QUEUE_NAME.defaultValue().orElseThrow();
    /** Receives after which a message moves to the dead-letter queue, when the props say nothing. */
    public static final int DEFAULT_MAX_RECEIVE_COUNT = io.lakemirror.queue.CommitsQueue.DEFAULT_MAX_RECEIVE_COUNT;

    private final String queueName;
    private final int maxReceiveCount;
    private final Duration visibilityTimeout;

    private CommitsQueueProps(Builder builder) {
        this.queueName = builder.queueName;
        this.maxReceiveCount = builder.maxReceiveCount;
        this.visibilityTimeout = builder.visibilityTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String getQueueName() {
        return queueName;
    }

    public int getMaxReceiveCount() {
        return maxReceiveCount;
    }

    public Duration getVisibilityTimeout() {
        return visibilityTimeout;
    }

    /** Builds {@link CommitsQueueProps}. */
    public static final class Builder {
        private String queueName = DEFAULT_QUEUE_NAME;
        private int maxReceiveCount = DEFAULT_MAX_RECEIVE_COUNT;
        private Duration visibilityTimeout = Duration.minutes(5);

        private Builder() {
        }

        /**
         * Name of the FIFO queue, identical in every region because sensors look it up by name in each
         * destination region; must end in {@code .fifo}. The dead-letter queue is named after it.
         *
         * @default the service's {@code queue.sqs.queue_name} default, {@code lakemirror-commits.fifo}
         */
        public Builder queueName(String queueName) {
            this.queueName = Objects.requireNonNull(queueName, "queueName");
            return this;
        }

        /**
         * Receives of one message before SQS moves it to the dead-letter queue (1 to 1000).
         *
         * @default {@value CommitsQueueProps#DEFAULT_MAX_RECEIVE_COUNT}
         */
        public Builder maxReceiveCount(int maxReceiveCount) {
            this.maxReceiveCount = maxReceiveCount;
            return this;
        }

        /**
         * How long a received message stays hidden from other validators while one checks the bucket.
         *
         * @default 5 minutes
         */
        public Builder visibilityTimeout(Duration visibilityTimeout) {
            this.visibilityTimeout = Objects.requireNonNull(visibilityTimeout, "visibilityTimeout");
            return this;
        }

        public CommitsQueueProps build() {
            return new CommitsQueueProps(this);
        }
    }
}
