package io.lakemirror.validator;

import static io.lakemirror.validator.ValidatorFixture.received;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.graveler.GravelerWriter.WrittenMetaRange;
import io.lakemirror.identity.AlteredRecords;
import io.lakemirror.store.BranchState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/**
 * Nothing a message says is trusted as sent (issue 19, "Verified input"): whichever record of a message
 * is altered and however, and whichever sequences forged messages carry, the validator stores nothing
 * of an altered message, never records a sequence the source sensor did not hand out, and still
 * validates the branch's real sequence afterwards.
 */
class VerifiedInputProperties {

    /**
     * A message of {@code parents + 1} records (a chain and its head) where the record at
     * {@code tamperedAt} has one field its ID covers changed, under the same ID.
     */
    @Property(tries = 100)
    void aMessageWithAnyRecordAltered_isDeadLettered_storingNothing_andTheRealMessageStillValidates(
            @ForAll @IntRange(min = 0, max = 5) int parents,
            @ForAll @IntRange(min = 0, max = 5) int tamperedAt,
            @ForAll @IntRange(min = 0, max = 5) int field,
            @ForAll @IntRange(min = 1, max = 4) int receive) {
        ValidatorFixture f = new ValidatorFixture();
        List<CommitRecord> records = new ArrayList<>();
        for (int i = 0; i < parents; i++) {
            records.add(f.commit(Optional.empty(),
                    records.isEmpty() ? new CommitId[0] : new CommitId[] {records.get(records.size() - 1).id()}));
        }
        WrittenMetaRange mr = TestMetaRanges.write(2, j -> "v1");
        TestMetaRanges.upload(f.blocks, f.ns, mr, id -> false);
        CommitRecord head = f.commit(Optional.of(mr.id()),
                records.isEmpty() ? new CommitId[0] : new CommitId[] {records.get(records.size() - 1).id()});
        records.add(head);
        f.sensed(1, Optional.of(head.id()));
        int victim = Math.min(tamperedAt, records.size() - 1);
        List<CommitRecord> altered = new ArrayList<>(records);
        altered.set(victim, AlteredRecords.alter(records.get(victim), field));
        List<CommitId> ids = records.stream().map(CommitRecord::id).toList();
        Validator validator = f.validator();
        try {
            Outcome rejected = validator.handle(received(
                    f.message(1, 0, true, Optional.of(head.id()), altered, List.of()), receive));

            assertThat(rejected).isInstanceOf(Outcome.DeadLetter.class);
            assertThat(((Outcome.DeadLetter) rejected).kind()).isEqualTo(Outcome.PoisonKind.TAMPERED_RECORD);
            assertThat(rejected.reason()).contains("commit record " + records.get(victim).id());
            assertThat(f.refstore.getCommits(f.spec.id(), ids)).as("nothing of the message is stored").isEmpty();
            assertThat(f.branch().validated()).isEmpty();

            Outcome real = validator.handle(received(
                    f.message(1, 0, true, Optional.of(head.id()), records, List.of()), 1));

            assertThat(real).isInstanceOf(Outcome.Completed.class);
            assertThat(f.branch().validatedSequence()).isEqualTo(1);
            assertThat(f.refstore.getCommits(f.spec.id(), ids).values()).extracting(io.lakemirror.store.Refstore.StoredCommit::commit)
                    .containsExactlyInAnyOrderElementsOf(records);
        } finally {
            validator.close();
        }
    }

    /**
     * The sensor hands out sequences 1..{@code sensed}; messages arrive, in the given order and on the
     * given receives, for real sequences (with their real heads) and for forged ones above the
     * sensor's latest (carrying real, correctly hashed heads). The validated and waiting sequences
     * never pass the sensor's latest, and the sensor's latest is validated once its message comes.
     *
     * @param messages each a sequence offset: 1..{@code sensed} is that real sequence; above it, a forged
     *                 sequence that far above the sensor's latest (plus {@code huge} for every third)
     */
    @Property(tries = 100)
    void theValidatedSequenceNeverPassesTheSensors_whateverSequencesMessagesCarry(
            @ForAll @IntRange(min = 1, max = 4) int sensed,
            @ForAll @Size(min = 1, max = 10) List<@IntRange(min = 1, max = 8) Integer> messages,
            @ForAll @Size(10) List<@IntRange(min = 1, max = 4) Integer> receives,
            @ForAll @LongRange(min = 1_000_000L, max = Long.MAX_VALUE / 2) long huge) {
        ValidatorFixture f = new ValidatorFixture();
        Map<Long, CommitRecord> heads = new HashMap<>();
        for (long s = 1; s <= sensed; s++) {
            WrittenMetaRange mr = TestMetaRanges.write(1, j -> "v1");
            TestMetaRanges.upload(f.blocks, f.ns, mr, id -> false);
            CommitRecord head = f.commit(Optional.of(mr.id()));
            heads.put(s, head);
            f.sensed(s, Optional.of(head.id()));
            f.mirrors.recordSentCommits(f.spec.id(), List.of(head.id()));
        }
        Validator validator = f.validator();
        try {
            for (int i = 0; i < messages.size(); i++) {
                int offset = messages.get(i);
                long sequence = offset <= sensed ? offset : sensed + (offset - sensed) + (i % 3 == 0 ? huge : 0);
                CommitRecord head = heads.get(Math.min((long) offset, sensed));
                Outcome outcome = validator.handle(received(f.headMessage(sequence, head), receives.get(i)));

                if (sequence > sensed) {
                    assertThat(outcome).isNotInstanceOf(Outcome.Completed.class);
                }
                BranchState state = f.branch();
                assertThat(state.validatedSequence()).isLessThanOrEqualTo(sensed);
                assertThat(state.waiting().map(BranchState.Waiting::sequence).orElse(0L)).isLessThanOrEqualTo(sensed);
            }
            Outcome latest = validator.handle(received(f.headMessage(sensed, heads.get((long) sensed)), 1));

            assertThat(latest).isInstanceOf(Outcome.Completed.class);
            assertThat(f.branch().validatedSequence()).isEqualTo(sensed);
        } finally {
            validator.close();
        }
    }
}
