package io.lakemirror.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.MirrorId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Honest lag (issue 19): a branch's lag is measured from when its oldest unpromoted sequence was
 * sensed, as the sensor state remembers it. Whatever the destination promotes meanwhile, however stale
 * the promoted sequence the sensor reads, and however long the branch stays behind (the list is
 * bounded), the remembered time is never later than the real one, so the lag is never too small.
 */
class SensorBranchStateProperties {
    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final MirrorId MIRROR = MirrorId.of("m1");
    private static final BranchId MAIN = BranchId.of("main");

    /**
     * @param steps one per new sequence: how many seconds after the previous one it was sensed, how far the
     *              destination's promoted sequence advanced meanwhile, and how far behind it the sensor's read is
     */
    @Property(tries = 300)
    void sensedAtOrBefore_shouldNeverBeLaterThanWhenTheOldestUnpromotedSequenceWasSensed(
            @ForAll @Size(min = 1, max = 60) List<@IntRange(min = 0, max = 50) Integer> gaps,
            @ForAll @Size(60) List<@IntRange(min = 0, max = 3) Integer> promotedSteps,
            @ForAll @Size(60) List<@IntRange(min = 0, max = 5) Integer> readLags) {
        List<Instant> sensedAt = new ArrayList<>();
        sensedAt.add(null);
        Instant now = T0;
        long promoted = 0;
        SensorBranchState state = null;
        for (int i = 0; i < gaps.size(); i++) {
            long sequence = i + 1;
            now = now.plusSeconds(gaps.get(i));
            sensedAt.add(now);
            long read = Math.max(0, promoted - readLags.get(i));
            List<SensorBranchState.Sensed> unpromoted = state == null ? List.of() : state.unpromotedAfter(read);
            state = new SensorBranchState(MIRROR, MAIN, sequence, Optional.of(CommitId.of("a".repeat(64))), now, true,
                    sequence, unpromoted);
            promoted = Math.min(sequence, promoted + promotedSteps.get(i));

            for (long s = promoted + 1; s <= sequence; s++) {
                Optional<Instant> remembered = state.sensedAtOrBefore(s);
                assertThat(remembered).as("sequence %d of %d, promoted %d", s, sequence, promoted).isPresent();
                assertThat(remembered.get()).as("sequence %d of %d, promoted %d", s, sequence, promoted)
                        .isBeforeOrEqualTo(sensedAt.get((int) s));
            }
            assertThat(state.unpromoted()).hasSizeLessThanOrEqualTo(SensorBranchState.MAX_UNPROMOTED);
        }
    }
}
