package io.lakemirror.validator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakemirror.aws.sqs.SqsCommitsQueue;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.OrganizationId;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.it.TwoRegionService;
import io.lakemirror.messages.CommitsDetected;
import io.lakemirror.messages.CommitsDetectedCodec;
import io.lakemirror.queue.CommitsQueue;
import io.lakemirror.testkit.DelayDistribution;
import io.lakemirror.testkit.LakeFsUser;
import io.lakemirror.testkit.World;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Messages nobody sent, on the real queue of a running two-region service: whoever can write to the
 * destination's commits queue must not be able to freeze a mirror branch or move it. A forged huge
 * sequence and a message carrying a tampered record go to the dead-letter queue with their reasons,
 * and the branch is promoted to its source's next head as if they had never come.
 */
class VerifiedInputEndToEndIT {
    private static final String A = TwoRegionService.A;
    private static final String B = TwoRegionService.B;
    private static final BranchId MAIN = BranchId.of("main");

    private static TwoRegionService service;
    private static World world;
    private static SqsCommitsQueue forger;

    @BeforeAll
    static void start() {
        service = TwoRegionService.start(DelayDistribution.uniform(Duration.ZERO, Duration.ofMillis(200)), 19);
        world = service.world();
        forger = SqsCommitsQueue.create(world.config(A));
    }

    @AfterAll
    static void stop() {
        if (forger != null) {
            forger.close();
        }
        if (service != null) {
            service.close();
        }
    }

    @Test
    void forgedHugeSequence_shouldBeDeadLettered_andTheBranchStillPromotedAfterwards() {
        TwoRegionService.CreatedMirror m = service.mirror("forged-sequence");
        CommitId first = commitAndAwaitMirror(m, "first");
        CommitRecord firstRecord = service.lakeFsA().getCommit(m.source(), first.asRef());

        send(message(m, 9_000_000_000_000L, first, List.of(firstRecord)));
        CommitId next = commitAndAwaitMirror(m, "after the forged message");

        Message dead = awaitDeadLetter(m, "never recorded sequence 9000000000000");
        assertThat(dead.body()).contains("\"sequence\":9000000000000");
        JsonNode branch = branch(m);
        assertThat(branch.get("validated_sequence").asLong()).isLessThan(100);
        assertThat(branch.get("promoted_sequence").asLong()).isEqualTo(branch.get("sensed_sequence").asLong());
        assertThat(branch.get("stalled").asBoolean()).isFalse();
        assertThat(service.lakeFsB().getBranch(m.name(), MAIN).commitId()).isEqualTo(next);
    }

    @Test
    void tamperedRecord_shouldBeDeadLettered_andTheBranchStillPromotedAfterwards() {
        TwoRegionService.CreatedMirror m = service.mirror("tampered");
        CommitId head = commitAndAwaitMirror(m, "first");
        CommitRecord real = service.lakeFsA().getCommit(m.source(), head.asRef());
        CommitRecord tampered = new CommitRecord(real.id(), real.parents(), real.committer(), "changed on its way",
                real.metaRangeId(), real.creationDate(), real.metadata(), real.generation(), real.version());
        long sensed = branch(m).get("sensed_sequence").asLong();

        send(message(m, sensed, head, List.of(tampered)));
        CommitId next = commitAndAwaitMirror(m, "after the tampered message");

        awaitDeadLetter(m, "hashes to");
        assertThat(service.lakeFsB().getCommit(m.name(), head.asRef()).message()).isEqualTo(real.message());
        assertThat(service.lakeFsB().getBranch(m.name(), MAIN).commitId()).isEqualTo(next);
        assertThat(branch(m).get("stalled").asBoolean()).isFalse();
    }

    private CommitId commitAndAwaitMirror(TwoRegionService.CreatedMirror m, String message) {
        LakeFsUser user = service.user();
        user.upload(m.source(), MAIN, "data/" + message.replace(' ', '-') + ".csv",
                ("id\n" + message.length() + "\n").getBytes(StandardCharsets.UTF_8));
        CommitId commit = user.commit(m.source(), MAIN, message).id();
        await().alias("mirror branch at " + commit).atMost(Duration.ofSeconds(90)).ignoreExceptions()
                .until(() -> service.lakeFsB().getBranch(m.name(), MAIN).commitId().equals(commit));
        return commit;
    }

    private static CommitsDetected message(TwoRegionService.CreatedMirror m, long sequence, CommitId head,
                                           List<CommitRecord> commits) {
        return new CommitsDetected(OrganizationId.of(world.organizationId()), MirrorId.of(m.id()), m.source(),
                Region.of(A), Region.of(B), MAIN, sequence, 0, true, Optional.of(head),
                Instant.now().truncatedTo(ChronoUnit.MILLIS), 1, commits, Optional.empty(), List.of());
    }

    private static void send(CommitsDetected m) {
        forger.send(Region.of(B), List.of(new CommitsQueue.OutgoingMessage(m.groupId(), m.deduplicationId() + "/forged",
                CommitsDetectedCodec.encode(m))));
    }

    private static JsonNode branch(TwoRegionService.CreatedMirror m) {
        for (JsonNode b : service.apiA().mirror(m.source().value(), m.id()).get("branches")) {
            if (b.get("id").asText().equals(MAIN.value())) {
                return b;
            }
        }
        throw new AssertionError("no branch main in the status of mirror " + m.id());
    }

    /** Waits for a dead letter of mirror {@code m} whose reason contains {@code reason}. */
    private static Message awaitDeadLetter(TwoRegionService.CreatedMirror m, String reason) {
        List<Message> seen = new ArrayList<>();
        return await().alias("a dead letter of " + m.id() + " saying \"" + reason + "\"").atMost(Duration.ofSeconds(60))
                .until(() -> {
                    seen.addAll(world.sqs().receiveMessage(r -> r.queueUrl(world.site(B).commitsQueue().dlqUrl())
                            .maxNumberOfMessages(10).visibilityTimeout(0).messageAttributeNames("All")).messages());
                    return seen.stream().filter(d -> d.body().contains(m.id()) && d.messageAttributes()
                            .get(SqsCommitsQueue.REASON_ATTRIBUTE).stringValue().contains(reason)).findFirst();
                }, Optional::isPresent).orElseThrow();
    }
}
