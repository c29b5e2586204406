package io.lakemirror.infra.constructs;

import java.util.Objects;
import software.amazon.awscdk.services.ecs.BaseService;
import software.amazon.awscdk.services.sqs.IQueue;

/** Properties of {@link QueueDepthScaling}. */
public final class QueueDepthScalingProps {
    private final BaseService service;
    private final IQueue queue;
    private final int minCapacity;
    private final int maxCapacity;
    private final int scaleOutBacklog;

    private QueueDepthScalingProps(Builder builder) {
        this.service = Objects.requireNonNull(builder.service, "service is required");
        this.queue = Objects.requireNonNull(builder.queue, "queue is required");
        this.minCapacity = builder.minCapacity;
        this.maxCapacity = builder.maxCapacity;
        this.scaleOutBacklog = builder.scaleOutBacklog;
    }

    public static Builder builder() {
        return new Builder();
    }

    public BaseService getService() {
        return service;
    }

    public IQueue getQueue() {
        return queue;
    }

    public int getMinCapacity() {
        return minCapacity;
    }

    public int getMaxCapacity() {
        return maxCapacity;
    }

    public int getScaleOutBacklog() {
        return scaleOutBacklog;
    }

    /** Builds {@link QueueDepthScalingProps}. */
    public static final class Builder {
        private BaseService service;
        private IQueue queue;
        private int minCapacity = 1;
        private int maxCapacity = 4;
        private int scaleOutBacklog = 100;

        private Builder() {
        }

        /** The ECS service to scale. Required. */
        public Builder service(BaseService service) {
            this.service = Objects.requireNonNull(service, "service");
            return this;
        }

        /** The queue whose visible messages measure the backlog. Required. */
        public Builder queue(IQueue queue) {
            this.queue = Objects.requireNonNull(queue, "queue");
            return this;
        }

        /**
         * Fewest tasks. At least 1: the validator also re-checks waiting branches on a timer, which must
         * run even when the queue is empty.
         *
         * @default 1
         */
        public Builder minCapacity(int minCapacity) {
            this.minCapacity = minCapacity;
            return this;
        }

        /**
         * Most tasks. More tasks than active mirror branches cannot help: FIFO hands out one message
         * group (mirror and branch) to one consumer at a time.
         *
         * @default 4
         */
        public Builder maxCapacity(int maxCapacity) {
            this.maxCapacity = maxCapacity;
            return this;
        }

        /**
         * Visible messages from which a task is added; ten times as many add three at once. An empty
         * queue removes a task.
         *
         * @default 100
         */
        public Builder scaleOutBacklog(int scaleOutBacklog) {
            this.scaleOutBacklog = scaleOutBacklog;
            return this;
        }

        public QueueDepthScalingProps build() {
            return new QueueDepthScalingProps(this);
        }
    }
}
