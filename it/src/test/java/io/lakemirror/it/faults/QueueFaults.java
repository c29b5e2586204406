package io.lakemirror.it.faults;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.OrganizationId;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.identity.CommitIds;
import io.lakemirror.lakefs.LakeFs;
import io.lakemirror.messages.CommitsDetected;
import io.lakemirror.messages.CommitsDetectedCodec;
import io.lakemirror.store.MirrorsReader;
import io.lakemirror.store.SensorBranchState;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Faults that act on the destination queues themselves, straight on the queue server (never through the
 * service's proxy): messages the sensor never sent (FORGED_MESSAGE), a sensor message with one field of a
 * record altered (TAMPERED_MESSAGE), both built with the service's own message codec, and a queued
 * message deleted as if its retention period had passed (MESSAGE_EXPIRY). Every injected message is
 * remembered, so that the run can check afterwards that each one ended in a dead-letter queue with its
 * reason (docs/design/pipeline.md, "Verified input"), and an expiry never deletes one of them.
 */
final class QueueFaults {
    /** The dead-letter reason attribute the service's SQS adapter writes. */
    static final String REASON_ATTRIBUTE = "lakemirror.dead-letter-reason";

    /** A mirror, as the queue faults need it. */
    record Mirror(MirrorId id, String name, RepositoryId source, String sourceRegion, String destination) {
    }

    /** A message this class put into a queue, and what it should be rejected as. */
    record Injected(String kind, String expected, Mirror mirror, BranchId branch, long sequence, String body,
                    String describe) {
    }

    /**
     * What became of the injected messages: found in a dead-letter queue (with its reason); a forged head
     * whose sequence the sensor has since superseded, which the validator drops as stale without looking
     * at its head (pipeline.md, "Superseded sequences do not block"; it can never be admitted); or neither.
     */
    record Outcome(int injected, Map<String, String> deadLettered, List<Injected> superseded, List<Injected> missing,
                   int otherDeadLetters) {
        String describe() {
            Map<String, Long> byReason = deadLettered.values().stream()
                    .collect(Collectors.groupingBy(QueueFaults::reasonKind, TreeMap::new, Collectors.counting()));
            return injected + " forged or tampered message(s) injected, " + deadLettered.size()
                    + " in a dead-letter queue " + byReason + ", " + superseded.size()
                    + " forged head(s) at a sequence the sensor superseded before it was handled (dropped as stale)"
                    + (missing.isEmpty() ? "" : ", NOT dead-lettered: "
                    + missing.stream().map(Injected::describe).collect(Collectors.joining("; ")))
                    + "; " + otherDeadLetters + " other dead letter(s)";
        }
    }

    private final SqsClient sqs;
    private final OrganizationId organization;
    private final Map<String, String> queueUrls;
    private final Map<String, String> deadLetterUrls;
    private final Function<String, MirrorsReader> mirrorsOf;
    private final Function<String, LakeFs> lakeFsOf;
    /** Injected messages by body (the dead-letter queue keeps the body as it was). */
    private final Map<String, Injected> injected = new ConcurrentHashMap<>();

    /**
     * @param queueUrls      per region, its commits queue
     * @param deadLetterUrls per region, its dead-letter queue
     * @param mirrorsOf      per region, the mirrors database as that region's services read it
     * @param lakeFsOf       per region, its lakeFS (not through any proxy)
     */
    QueueFaults(SqsClient sqs, OrganizationId organization, Map<String, String> queueUrls,
                Map<String, String> deadLetterUrls, Function<String, MirrorsReader> mirrorsOf,
                Function<String, LakeFs> lakeFsOf) {
        this.sqs = sqs;
        this.organization = organization;
        this.queueUrls = Map.copyOf(queueUrls);
        this.deadLetterUrls = Map.copyOf(deadLetterUrls);
        this.mirrorsOf = mirrorsOf;
        this.lakeFsOf = lakeFsOf;
    }

    /**
     * Sends a message the sensor never sent for a branch of {@code mirror}, one of three forgeries chosen
     * by {@code random}: a correctly hashed commit the source never had as the head of the sensor's latest
     * sequence, the real head under a sequence far above the sensor's, or a real commit that is not the
     * sensor's head under its latest sequence. Empty when the mirror has no sensed branch yet.
     */
    Optional<String> forge(Mirror mirror, Random random) {
        Optional<Sensed> sensed = sensedBranch(mirror, random);
        if (sensed.isEmpty()) {
            return Optional.empty();
        }
        int variant = random.nextInt(3);
        if (variant != 1) {
            // A forged head is judged against the sensor's latest sequence only while it is the latest: a deleted
            // branch keeps its last sequence, so the check is certain to meet it (a live one may move on first).
            Optional<SensorBranchState> deleted = deletedBranch(mirror, random);
            if (deleted.isPresent()) {
                sensed = Optional.of(new Sensed(deleted.get(), sensed.get().head()));
            }
        }
        SensorBranchState state = sensed.get().state();
        CommitRecord head = sensed.get().head();
        if (variant == 2 && head.parents().isEmpty()) {
            variant = 0;
        }
        CommitsDetected message;
        String what;
        String expected;
        switch (variant) {
            case 0 -> {
                CommitRecord foreign = hashed(new CommitRecord(head.id(), List.of(head.id()), "mallory",
                        "forged by the fault run " + Long.toHexString(random.nextLong()), head.metaRangeId(),
                        Instant.now().truncatedTo(ChronoUnit.SECONDS), Map.of(), head.generation() + 1, head.version()));
                message = message(mirror, state, state.sequence(), foreign, List.of(foreign));
                what = "head " + foreign.id() + " (correctly hashed, never on the source) at the sensor's sequence "
                        + state.sequence() + (state.head().isEmpty() ? " (a deletion)" : "");
                expected = "forged_head";
            }
            case 1 -> {
                long sequence = state.sequence() + (1L << 40) + random.nextInt(1 << 20);
                message = message(mirror, state, sequence, head, List.of());
                what = "the real head " + head.id() + " at sequence " + sequence + ", the sensor's is " + state.sequence();
                expected = "unsensed_sequence";
            }
            default -> {
                CommitRecord parent = lakeFsOf.apply(mirror.sourceRegion()).getCommit(mirror.source(),
                        head.parents().get(0).asRef());
                message = message(mirror, state, state.sequence(), parent, List.of());
                what = "head " + parent.id() + " (a real commit of the source, not the sensor's head) at the sensor's sequence "
                        + state.sequence() + " of " + state.head().map(h -> "head " + h).orElse("a deletion");
                expected = "forged_head";
            }
        }
        return Optional.of(send(mirror, message, "forged", expected, what, random));
    }

    /**
     * Sends the message the sensor sent last for a branch of {@code mirror} (its latest sequence and head,
     * the head's record attached) with one field of that record altered, the ID kept. Empty when the mirror
     * has no sensed branch yet.
     */
    Optional<String> tamper(Mirror mirror, Random random) {
        Optional<Sensed> sensed = sensedBranch(mirror, random);
        if (sensed.isEmpty()) {
            return Optional.empty();
        }
        CommitRecord h = sensed.get().head();
        int field = random.nextInt(4);
        CommitRecord altered = switch (field) {
            case 0 -> new CommitRecord(h.id(), h.parents(), h.committer(), h.message() + " (altered)", h.metaRangeId(),
                    h.creationDate(), h.metadata(), h.generation(), h.version());
            case 1 -> new CommitRecord(h.id(), h.parents(), "mallory", h.message(), h.metaRangeId(),
                    h.creationDate(), h.metadata(), h.generation(), h.version());
            case 2 -> new CommitRecord(h.id(), h.parents(), h.committer(), h.message(), h.metaRangeId(),
                    h.creationDate().plusSeconds(1), h.metadata(), h.generation(), h.version());
            default -> {
                Map<String, String> metadata = new LinkedHashMap<>(h.metadata());
                metadata.put("altered-by", "fault run");
                yield new CommitRecord(h.id(), h.parents(), h.committer(), h.message(), h.metaRangeId(),
                        h.creationDate(), metadata, h.generation(), h.version());
            }
        };
        String[] fields = {"message", "committer", "creation date", "metadata"};
        CommitsDetected message = message(mirror, sensed.get().state(), sensed.get().state().sequence(), altered, List.of());
        return Optional.of(send(mirror, message, "tampered", "tampered_record", "the sensor's sequence "
                + message.sequence() + " of head " + h.id() + " with its record's " + fields[field] + " altered", random));
    }

    /**
     * Deletes one message waiting in the queue of {@code region}, as if its retention period had passed;
     * empty when none was waiting (or only one this class injected, which is left alone).
     */
    Optional<String> expire(String region) {
        String url = queueUrls.get(region);
        List<Message> received = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(1).waitTimeSeconds(2)
                .visibilityTimeout(30).messageSystemAttributeNamesWithStrings("All")).messages();
        if (received.isEmpty()) {
            return Optional.empty();
        }
        Message m = received.get(0);
        if (injected.containsKey(m.body())) {
            sqs.changeMessageVisibility(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()).visibilityTimeout(0));
            return Optional.empty();
        }
        sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));
        String what;
        try {
            what = CommitsDetectedCodec.decode(m.body()).toString();
        } catch (RuntimeException e) {
            what = "an undecodable message";
        }
        return Optional.of("deleted " + what + " (message " + m.messageId() + ", group "
                + m.attributesAsStrings().get("MessageGroupId") + ") from the queue of " + region + " before anyone handled it");
    }

    /** How many messages were injected so far. */
    int injectedCount() {
        return injected.size();
    }

    /**
     * Reads every dead-letter queue to its end (deleting what it reads: call once, after the heal) and
     * matches the injected messages by body.
     */
    Outcome deadLetters() {
        Map<String, String> found = new LinkedHashMap<>();
        int others = 0;
        for (String url : deadLetterUrls.values()) {
            while (true) {
                List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)
                        .visibilityTimeout(300).messageAttributeNames("All")).messages();
                if (batch.isEmpty()) {
                    break;
                }
                for (Message m : batch) {
                    MessageAttributeValue reason = m.messageAttributes().get(REASON_ATTRIBUTE);
                    if (injected.containsKey(m.body())) {
                        found.put(m.body(), reason == null ? "(no reason)" : reason.stringValue());
                    } else {
                        others++;
                    }
                    sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));
                }
            }
        }
        List<Injected> missing = new ArrayList<>();
        List<Injected> superseded = new ArrayList<>();
        Map<String, String> deadLettered = new LinkedHashMap<>();
        injected.forEach((body, i) -> {
            if (found.containsKey(body)) {
                deadLettered.put(i.describe(), found.get(body));
            } else if (i.expected().equals("forged_head") && supersededNow(i)) {
                superseded.add(i);
            } else {
                missing.add(i);
            }
        });
        return new Outcome(injected.size(), deadLettered, superseded, missing, others);
    }

    /** The kind of rejection a dead-letter reason states (CommitsMessageHandler, Provenance). */
    static String reasonKind(String reason) {
        if (reason.contains("hashes to")) {
            return "tampered_record";
        }
        if (reason.contains("never recorded sequence")) {
            return "unsensed_sequence";
        }
        if (reason.contains("the source sensor recorded") || reason.contains("the source never had")
                || reason.contains("the source's record differs")) {
            return "forged_head";
        }
        return "other";
    }

    private record Sensed(SensorBranchState state, CommitRecord head) {
    }

    /** A branch of the mirror whose latest sequence the sensor sent, with its head's record from the source. */
    private Optional<Sensed> sensedBranch(Mirror mirror, Random random) {
        List<SensorBranchState> states = mirrorsOf.apply(mirror.destination()).listSensorBranchStates(mirror.id())
                .stream().filter(s -> s.sent() && s.head().isPresent()).toList();
        if (states.isEmpty()) {
            return Optional.empty();
        }
        SensorBranchState state = states.get(random.nextInt(states.size()));
        CommitRecord head = lakeFsOf.apply(mirror.sourceRegion()).getCommit(mirror.source(), state.head().get().asRef());
        return Optional.of(new Sensed(state, head));
    }

    private boolean supersededNow(Injected i) {
        return mirrorsOf.apply(i.mirror().destination()).getSensorBranchState(i.mirror().id(), i.branch())
                .map(s -> s.sequence() > i.sequence()).orElse(false);
    }

    /** A branch of the mirror the source deleted, as the sensor last announced it, if there is one. */
    private Optional<SensorBranchState> deletedBranch(Mirror mirror, Random random) {
        List<SensorBranchState> states = mirrorsOf.apply(mirror.destination()).listSensorBranchStates(mirror.id())
                .stream().filter(s -> s.sent() && s.head().isEmpty()).toList();
        return states.isEmpty() ? Optional.empty() : Optional.of(states.get(random.nextInt(states.size())));
    }

    private static CommitRecord hashed(CommitRecord draft) {
        CommitId id = CommitIds.of(draft);
        return new CommitRecord(id, draft.parents(), draft.committer(), draft.message(), draft.metaRangeId(),
                draft.creationDate(), draft.metadata(), draft.generation(), draft.version());
    }

    private CommitsDetected message(Mirror mirror, SensorBranchState state, long sequence, CommitRecord head,
                                    List<CommitRecord> commits) {
        BranchId branch = state.branch();
        return new CommitsDetected(organization, mirror.id(), mirror.source(), Region.of(mirror.sourceRegion()),
                Region.of(mirror.destination()), branch, sequence, 0, true, Optional.of(head.id()), Instant.now(),
                state.commitsSent(), commits, commits.contains(head) ? Optional.empty() : Optional.of(head), List.of());
    }

    private String send(Mirror mirror, CommitsDetected message, String kind, String expected, String what, Random random) {
        String body = CommitsDetectedCodec.encode(message);
        String dedup = "fault-" + kind + "-" + Long.toHexString(random.nextLong());
        String describe = kind + " " + mirror.name() + "/" + message.branch().value() + ": " + what;
        injected.put(body, new Injected(kind, expected, mirror, message.branch(), message.sequence(), body, describe));
        sqs.sendMessage(b -> b.queueUrl(queueUrls.get(mirror.destination())).messageBody(body)
                .messageGroupId(message.groupId()).messageDeduplicationId(dedup));
        return "sent " + what + " to the queue of " + mirror.destination() + " (expected: " + expected + ")";
    }
}
