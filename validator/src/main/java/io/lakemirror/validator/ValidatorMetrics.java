package io.lakemirror.validator;

import io.lakemirror.domain.CorruptDataException;
import io.lakemirror.domain.ReplicationException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The validator's meters, all named {@code lakemirror.validator.*}:
 *
 * <ul>
 *   <li>{@code messages.processed} (tag {@code outcome}: completed, retried, dead_lettered) — every message handled;</li>
 *   <li>{@code messages.dead.lettered} (tag {@code reason}) — poison messages;</li>
 *   <li>{@code sequences.validated} (tag {@code path}: message, recheck) — sequences admitted;</li>
 *   <li>{@code sequences.waiting} — checks that found files missing;</li>
 *   <li>{@code sequences.superseded} — sequences dropped because the sensor announced a newer one;</li>
 *   <li>{@code sequences.handed.over} — waiting sequences left to the re-check pass at the end of the receive budget;</li>
 *   <li>{@code sequences.repaired} — sensed sequences whose message never arrived, admitted by the re-check pass
 *       from the sensor state (tag {@code kind}: head, deletion);</li>
 *   <li>{@code messages.deleted.mirror} — messages completed unprocessed because their mirror is being deleted;</li>
 *   <li>{@code files.cache.expired} — ranges known present whose presence was older than the presence TTL, checked again;</li>
 *   <li>{@code files.cache.forgotten} — files known present that a check found missing, forgotten;</li>
 *   <li>{@code heartbeats} (tag {@code outcome}: ok, failed) — visibility extensions of messages being handled;</li>
 *   <li>{@code failures} (tag {@code kind}: retryable, corrupt, other) — failed attempts;</li>
 *   <li>{@code files.checked} (tag {@code kind}: metarange, range, object; {@code request}: head, get) — requests to the bucket;</li>
 *   <li>{@code files.cache.hits} — ranges skipped because the presence cache knew them;</li>
 *   <li>{@code objects.full.address} — strict mode: entries outside the namespace, not checked;</li>
 *   <li>timers {@code message.duration}, {@code check.duration}, {@code recheck.duration}.</li>
 * </ul>
 */
final class ValidatorMetrics {
    private static final String PREFIX = "lakemirror.validator.";

    private final MeterRegistry registry;
    private final Counter completed;
    private final Counter retried;
    private final Counter deadLetteredMessages;
    private final Counter validatedByMessage;
    private final Counter validatedByRecheck;
    private final Counter waiting;
    private final Counter superseded;
    private final Counter handedOver;
    private final Counter cacheHits;
    private final Counter fullAddresses;
    private final Timer messageDuration;
    private final Timer checkDuration;
    private final Timer recheckDuration;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    ValidatorMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.completed = processed("completed");
        this.retried = processed("retried");
        this.deadLetteredMessages = processed("dead_lettered");
        this.validatedByMessage = Counter.builder(PREFIX + "sequences.validated").tag("path", "message")
                .description("Sequences whose head had every metadata file present").register(registry);
        this.validatedByRecheck = Counter.builder(PREFIX + "sequences.validated").tag("path", "recheck")
                .description("Sequences whose head had every metadata file present").register(registry);
        this.waiting = Counter.builder(PREFIX + "sequences.waiting")
                .description("Checks that found metadata files missing").register(registry);
        this.superseded = Counter.builder(PREFIX + "sequences.superseded")
                .description("Sequences not admitted because a newer one was announced").register(registry);
        this.handedOver = Counter.builder(PREFIX + "sequences.handed.over")
                .description("Waiting sequences left to the re-check pass before the queue's receive budget ran out")
                .register(registry);
        this.cacheHits = Counter.builder(PREFIX + "files.cache.hits")
                .description("Ranges skipped because they were known present").register(registry);
        this.fullAddresses = Counter.builder(PREFIX + "objects.full.address")
                .description("Strict mode: objects outside the namespace, which bucket replication does not copy")
                .register(registry);
        this.messageDuration = Timer.builder(PREFIX + "message.duration").register(registry);
        this.checkDuration = Timer.builder(PREFIX + "check.duration").register(registry);
        this.recheckDuration = Timer.builder(PREFIX + "recheck.duration").register(registry);
    }

    private Counter processed(String outcome) {
        return Counter.builder(PREFIX + "messages.processed").tag("outcome", outcome)
                .description("Messages handled, by outcome").register(registry);
    }

    void processed(Outcome outcome) {
        if (outcome instanceof Outcome.Completed) {
            completed.increment();
        } else if (outcome instanceof Outcome.RetryLater) {
            retried.increment();
        } else if (outcome instanceof Outcome.DeadLetter d) {
            deadLetteredMessages.increment();
            counter("messages.dead.lettered", "reason", d.kind().tag(), "Poison messages moved to the dead-letter queue")
                    .increment();
        }
    }

    private Counter counter(String name, String tag, String value, String description) {
        return counters.computeIfAbsent(name + "/" + value, k -> Counter.builder(PREFIX + name).tag(tag, value)
                .description(description).register(registry));
    }

    void validated(boolean byRecheck) {
        (byRecheck ? validatedByRecheck : validatedByMessage).increment();
    }

    void waiting() {
        waiting.increment();
    }

    void superseded() {
        superseded.increment();
    }

    void handedOver() {
        handedOver.increment();
    }

    void repaired(String kind) {
        counter("sequences.repaired", "kind", kind,
                "Sensed sequences whose message never arrived, admitted by the re-check pass").increment();
    }

    void forDeletedMirror() {
        counters.computeIfAbsent("messages.deleted.mirror", k -> Counter.builder(PREFIX + "messages.deleted.mirror")
                .description("Messages completed unprocessed because their mirror is being deleted").register(registry))
                .increment();
    }

    void cacheExpired(int count) {
        counters.computeIfAbsent("files.cache.expired", k -> Counter.builder(PREFIX + "files.cache.expired")
                .description("Ranges known present longer ago than the presence TTL, checked again").register(registry))
                .increment(count);
    }

    void cacheForgotten(int count) {
        counters.computeIfAbsent("files.cache.forgotten", k -> Counter.builder(PREFIX + "files.cache.forgotten")
                .description("Files known present that a check found missing").register(registry)).increment(count);
    }

    void heartbeat(boolean ok) {
        counter("heartbeats", "outcome", ok ? "ok" : "failed", "Visibility extensions of messages being handled")
                .increment();
    }

    void failure(Throwable t) {
        String kind = t instanceof CorruptDataException ? "corrupt" : ReplicationException.isRetryable(t) ? "retryable" : "other";
        counter("failures", "kind", kind, "Failed attempts").increment();
    }

    void fileRequest(String kind, String request) {
        counters.computeIfAbsent("files.checked/" + kind + "/" + request, k -> Counter.builder(PREFIX + "files.checked")
                .tag("kind", kind).tag("request", request).description("Requests to the bucket").register(registry))
                .increment();
    }

    void cacheHits(int count) {
        cacheHits.increment(count);
    }

    void fullAddresses(long count) {
        fullAddresses.increment(count);
    }

    /** Counts since start, for the shutdown log. */
    String summary() {
        long done = (long) completed.count();
        long retries = (long) retried.count();
        long dead = (long) deadLetteredMessages.count();
        return (done + retries + dead) + " message(s) handled (" + done + " completed, " + retries + " retried, " + dead
                + " dead-lettered), " + (long) (validatedByMessage.count() + validatedByRecheck.count())
                + " sequence(s) validated (" + (long) validatedByRecheck.count() + " by re-check), "
                + (long) waiting.count() + " check(s) found files missing, " + (long) superseded.count()
                + " superseded, " + (long) handedOver.count() + " handed over to the re-check pass";
    }

    Timer messageDuration() {
        return messageDuration;
    }

    Timer checkDuration() {
        return checkDuration;
    }

    Timer recheckDuration() {
        return recheckDuration;
    }
}
