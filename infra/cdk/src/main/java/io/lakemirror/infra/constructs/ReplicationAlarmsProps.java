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
    private final int stallEvaluationPeriods;
    private final Duration deadLetterAgeThreshold;
    private final ITopic alarmTopic;
    private final String alarmNamePrefix;

    private ReplicationAlarmsProps(Builder builder) {
        this.deadLetterQueue = Objects.requireNonNull(builder.deadLetterQueue, "deadLetterQueue is required");
        this.lagThreshold = builder.lagThreshold;
        this.lagEvaluationPeriods = builder.lagEvaluationPeriods;
        this.stallEvaluationPeriods = builder.stallEvaluationPeriods;
        this.deadLetterAgeThreshold = builder.deadLetterAgeThreshold;
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

    public int getStallEvaluationPeriods() {
        return stallEvaluationPeriods;
    }

    public Duration getDeadLetterAgeThreshold() {
        return deadLetterAgeThreshold;
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
        private int stallEvaluationPeriods = 3;
        private Duration deadLetterAgeThreshold = Duration.hours(1);
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
         * Consecutive 5-minute periods with at least one stalled branch (the service's
         * {@code StalledBranches}) before the stall alarm fires; 1 to 288.
         *
         * @default 3
         */
        public Builder stallEvaluationPeriods(int stallEvaluationPeriods) {
            this.stallEvaluationPeriods = stallEvaluationPeriods;
            return this;
        }

        /**
         * Age of the oldest message in the dead-letter queue at which the dead-letter alarm fires: a
         * message nobody looked at for this long; at least 5 minutes.
         *
         * @default 1 hour
         */
        public Builder deadLetterAgeThreshold(Duration deadLetterAgeThreshold) {
            this.deadLetterAgeThreshold = Objects.requireNonNull(deadLetterAgeThreshold, "deadLetterAgeThreshold");
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
