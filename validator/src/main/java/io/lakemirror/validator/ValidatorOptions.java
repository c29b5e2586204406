package io.lakemirror.validator;

import io.lakemirror.config.ReplicationConfig;
import io.lakemirror.queue.CommitsQueue;
import java.time.Duration;
import java.util.Objects;

/**
 * How the validator runs: the {@code validator.*} settings plus tuning that has no configuration key.
 *
 * @param runInterval          period of the pass that re-checks branches still waiting for files
 * @param numWorkers           threads consuming the commits queue
 * @param retries              delays before a message is looked at again
 * @param strict               also check the data objects of every range new to a namespace
 * @param fileCheckThreads     concurrent HEAD requests across all workers
 * @param receiveBudget        receives a message may use before the queue's redrive policy moves it to
 *                             the dead-letter queue, for a queue that does not report its {@code maxReceiveCount}
 *                             (a queue that does sets the budget itself, see {@link Validator}; the CDK stack and
 *                             the test world use {@link CommitsQueue#DEFAULT_MAX_RECEIVE_COUNT}). The validator never lets SQS redrive a message
 *                             silently: before the last receive it hands a waiting sequence over to the
 *                             re-check pass, or dead-letters a poison message with its reason.
 * @param missingKeysReported  how many missing keys a waiting branch state names
 * @param receiveWait          long-poll wait of one receive; bounds how long shutdown waits for a worker
 * @param shutdownTimeout      how long {@link Validator#close()} waits for in-flight work
 * @param pageSize             mirrors per page when the re-check pass lists them
 * @param presenceCacheSize    file IDs known present that this process remembers in front of the refstore
 * @param presenceTtl          how long a file found present is trusted without a new HEAD; a range deleted under
 *                             the cache is noticed by the first check of a head that needs it after this
 * @param lostMessageGrace     how long a sequence the sensor recorded may stay unvalidated, with nothing waiting
 *                             for it, before the re-check pass admits it from the sensor state itself (its
 *                             message was lost: redriven, expired, or rejected as tampered)
 */
public record ValidatorOptions(Duration runInterval, int numWorkers, RetrySchedule retries, boolean strict,
                               int fileCheckThreads, int receiveBudget, int missingKeysReported, Duration receiveWait,
                               Duration shutdownTimeout, int pageSize, long presenceCacheSize, Duration presenceTtl,
                               Duration lostMessageGrace) {
    public static final int DEFAULT_FILE_CHECK_THREADS = 32;
    public static final int DEFAULT_RECEIVE_BUDGET = CommitsQueue.DEFAULT_MAX_RECEIVE_COUNT;
    public static final int DEFAULT_MISSING_KEYS_REPORTED = 5;
    public static final Duration DEFAULT_RECEIVE_WAIT = Duration.ofSeconds(1);
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);
    /** About 20 MB: the unchanged ranges of a few repositories of 10,000 ranges each. */
    public static final long DEFAULT_PRESENCE_CACHE_SIZE = 100_000;
    /**
     * Ten minutes: for a repository of 10,000 ranges about 17 HEAD requests a second at most, and a
     * range deleted under the cache is noticed within ten minutes of its last check.
     */
    public static final Duration DEFAULT_PRESENCE_TTL = Duration.ofMinutes(10);
    /** Long enough for a message delayed by retries and SQS's own redelivery; short against a quiet branch's lag. */
    public static final Duration DEFAULT_LOST_MESSAGE_GRACE = Duration.ofSeconds(30);

    public ValidatorOptions {
        Objects.requireNonNull(runInterval, "runInterval");
        Objects.requireNonNull(retries, "retries");
        Objects.requireNonNull(receiveWait, "receiveWait");
        Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        Objects.requireNonNull(presenceTtl, "presenceTtl");
        Objects.requireNonNull(lostMessageGrace, "lostMessageGrace");
        if (runInterval.isNegative() || runInterval.isZero()) {
            throw new IllegalArgumentException("runInterval must be positive, got " + runInterval);
        }
        if (presenceTtl.isNegative() || lostMessageGrace.isNegative()) {
            throw new IllegalArgumentException("presenceTtl and lostMessageGrace must not be negative, got "
                    + presenceTtl + " and " + lostMessageGrace);
        }
        if (presenceCacheSize < 0) {
            throw new IllegalArgumentException("presenceCacheSize must not be negative, got " + presenceCacheSize);
        }
        if (numWorkers < 1 || fileCheckThreads < 1 || receiveBudget < 1 || missingKeysReported < 1 || pageSize < 1) {
            throw new IllegalArgumentException("numWorkers, fileCheckThreads, receiveBudget, missingKeysReported and"
                    + " pageSize must be at least 1, got " + numWorkers + ", " + fileCheckThreads + ", " + receiveBudget
                    + ", " + missingKeysReported + ", " + pageSize);
        }
    }

    /** Options with the default presence TTL and lost-message grace. */
    public ValidatorOptions(Duration runInterval, int numWorkers, RetrySchedule retries, boolean strict,
                            int fileCheckThreads, int receiveBudget, int missingKeysReported, Duration receiveWait,
                            Duration shutdownTimeout, int pageSize, long presenceCacheSize) {
        this(runInterval, numWorkers, retries, strict, fileCheckThreads, receiveBudget, missingKeysReported, receiveWait,
                shutdownTimeout, pageSize, presenceCacheSize, DEFAULT_PRESENCE_TTL, DEFAULT_LOST_MESSAGE_GRACE);
    }

    /**
     * The configured {@code validator.*} settings with default tuning. The receive budget is the
     * queue's own {@code maxReceiveCount} once the validator reads it; this default only stands in
     * for a queue that does not report one.
     */
    public static ValidatorOptions from(ReplicationConfig.ValidatorSettings settings, int pageSize) {
        return new ValidatorOptions(settings.runInterval(), settings.numWorkers(),
                RetrySchedule.of(settings.firstCooldownOnMissing(), settings.cooldownOnMissing(), settings.cooldownOnError()), settings.strict(),
                DEFAULT_FILE_CHECK_THREADS, DEFAULT_RECEIVE_BUDGET, DEFAULT_MISSING_KEYS_REPORTED, DEFAULT_RECEIVE_WAIT,
                DEFAULT_SHUTDOWN_TIMEOUT, pageSize, DEFAULT_PRESENCE_CACHE_SIZE);
    }

    /**
     * The receive at which the validator stops handing a message back to the queue: one before the
     * budget, so a worker that dies mid-message still has a receive left before SQS redrives it.
     */
    public int lastOwnReceive() {
        return Math.max(1, receiveBudget - 1);
    }

    public ValidatorOptions withStrict(boolean value) {
        return new ValidatorOptions(runInterval, numWorkers, retries, value, fileCheckThreads, receiveBudget,
                missingKeysReported, receiveWait, shutdownTimeout, pageSize, presenceCacheSize, presenceTtl,
                lostMessageGrace);
    }

    public ValidatorOptions withReceiveBudget(int value) {
        return new ValidatorOptions(runInterval, numWorkers, retries, strict, fileCheckThreads, value,
                missingKeysReported, receiveWait, shutdownTimeout, pageSize, presenceCacheSize, presenceTtl,
                lostMessageGrace);
    }

    public ValidatorOptions withRunInterval(Duration value) {
        return new ValidatorOptions(value, numWorkers, retries, strict, fileCheckThreads, receiveBudget,
                missingKeysReported, receiveWait, shutdownTimeout, pageSize, presenceCacheSize, presenceTtl,
                lostMessageGrace);
    }

    public ValidatorOptions withPresenceTtl(Duration value) {
        return new ValidatorOptions(runInterval, numWorkers, retries, strict, fileCheckThreads, receiveBudget,
                missingKeysReported, receiveWait, shutdownTimeout, pageSize, presenceCacheSize, value, lostMessageGrace);
    }

    public ValidatorOptions withLostMessageGrace(Duration value) {
        return new ValidatorOptions(runInterval, numWorkers, retries, strict, fileCheckThreads, receiveBudget,
                missingKeysReported, receiveWait, shutdownTimeout, pageSize, presenceCacheSize, presenceTtl, value);
    }

    public ValidatorOptions withFileCheckThreads(int value) {
        return new ValidatorOptions(runInterval, numWorkers, retries, strict, value, receiveBudget,
                missingKeysReported, receiveWait, shutdownTimeout, pageSize, presenceCacheSize, presenceTtl,
                lostMessageGrace);
    }
}
