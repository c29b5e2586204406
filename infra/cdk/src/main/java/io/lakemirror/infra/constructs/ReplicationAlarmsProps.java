package io.lakemirror.infra.constructs;

import java.util.Objects;
import java.util.Optional;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.sqs.IQueue;

/** Properties of {@link ReplicationAlarms}. */
public final class ReplicationAlarmsProps {
    private final IQueue deadLetterQueue;
    private final Duration lagThreshold;
    private final int lagEvaluationPeriods;
    private final Duration stallWindow;
    private final ITopic alarmTopic;
    private final String alarmNamePrefix;

    private ReplicationAlarmsProps(Builder builder) {
        this.deadLetterQueue = Objects.requireNonNull(builder.deadLetterQueue, "deadLetterQueue is required");
        this.lagThreshold = builder.lagThreshold;
        this.lagEvaluationPeriods = builder.lagEvaluationPeriods;
        this.stallWindow = builder.stallWindow;
        this.alarmTopic = builder.alarmTopic;
        this.alarmNamePrefix = builder.alarmNamePrefix;
    }

    public static Builder builder() {
        return new Builder();
    }

    public IQueue getDeadLetterQueue() {
        return deadLetterQueue;
    }

    public Duration getLagThreshold() {
        return lagThreshold;
    }

    public int getLagEvaluationPeriods() {
        return lagEvaluationPeriods;
    }

    public Duration getStallWindow() {
        return stallWindow;
    }

    public Optional<ITopic> getAlarmTopic() {
        return Optional.ofNullable(alarmTopic);
    }

    public String getAlarmNamePrefix() {
        return alarmNamePrefix;
    }

    /** Builds {@link ReplicationAlarmsProps}. */
    public static final class Builder {
        private IQueue deadLetterQueue;
        private Duration lagThreshold = Duration.minutes(30);
        private int lagEvaluationPeriods = 3;
        private Duration stallWindow = Duration.minutes(30);
        private ITopic alarmTopic;
        private String alarmNamePrefix = "lakemirror";

        private Builder() {
        }

        /** The commits queue's dead-letter queue; any message in it alarms. Required. */
        public Builder deadLetterQueue(IQueue deadLetterQueue) {
            this.deadLetterQueue = Objects.requireNonNull(deadLetterQueue, "deadLetterQueue");
            return this;
        }

        /**
         * Mirror lag ({@value ServiceMetrics#MIRROR_LAG_SECONDS}, worst branch) above which the lag alarm
         * fires. Leave room for S3 Replication Time Control's 15 minutes plus validation and promotion.
         *
         * @default 30 minutes
         */
        public Builder lagThreshold(Duration lagThreshold) {
            this.lagThreshold = Objects.requireNonNull(lagThreshold, "lagThreshold");
            return this;
        }

        /**
         * Consecutive 5-minute periods the lag must stay above the threshold before the alarm fires.
         *
         * @default 3
         */
        public Builder lagEvaluationPeriods(int lagEvaluationPeriods) {
            this.lagEvaluationPeriods = lagEvaluationPeriods;
            return this;
        }

        /**
         * How long commits may stay pending with no promotion at all before the stall alarm fires; whole
         * minutes, 1 minute to 1 day.
         *
         * @default 30 minutes
         */
        public Builder stallWindow(Duration stallWindow) {
            this.stallWindow = Objects.requireNonNull(stallWindow, "stallWindow");
            return this;
        }

        /**
         * Where the alarms notify, in alarm and back to OK.
         *
         * @default a new SNS topic, for operators to subscribe to
         */
        public Builder alarmTopic(ITopic alarmTopic) {
            this.alarmTopic = Objects.requireNonNull(alarmTopic, "alarmTopic");
            return this;
        }

        /**
         * Start of every alarm name (names are unique per account and region).
         *
         * @default {@code lakemirror}
         */
        public Builder alarmNamePrefix(String alarmNamePrefix) {
            this.alarmNamePrefix = Objects.requireNonNull(alarmNamePrefix, "alarmNamePrefix");
            return this;
        }

        public ReplicationAlarmsProps build() {
            return new ReplicationAlarmsProps(this);
        }
    }
}
