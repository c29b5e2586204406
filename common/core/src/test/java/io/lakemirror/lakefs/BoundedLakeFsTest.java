package io.lakemirror.lakefs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.DeadlineExceededException;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.lakefs.fake.FakeLakeFs;
import io.lakemirror.lakefs.fake.LakeFsOperation;
import io.lakemirror.runtime.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BoundedLakeFsTest {
    private static final RepositoryId REPO = RepositoryId.of("repo");
    private static final BranchId MAIN = BranchId.of("main");

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
    private final FakeLakeFs lakeFs = new FakeLakeFs(clock);

    @Test
    void bounded_shouldPassCallsThrough_beforeTheDeadline_andRefuseThemAfter() {
        lakeFs.createRepository(REPO);
        LakeFs bounded = lakeFs.bounded(Deadline.after(Duration.ofSeconds(10), clock));

        assertThat(bounded.getBranch(REPO, MAIN).commitId()).isEqualTo(lakeFs.head(REPO, MAIN));
        clock.advance(Duration.ofSeconds(10));

        assertThatThrownBy(() -> bounded.deleteBranch(REPO, BranchId.of("other"), true))
                .isInstanceOf(DeadlineExceededException.class)
                .hasMessageContaining("deleteBranch")
                .hasMessageContaining("not started");
        assertThat(lakeFs.calls(LakeFsOperation.DELETE_BRANCH)).isZero();
    }

    @Test
    void bounded_shouldKeepTheEarlierDeadline_andTheDelegatesOwnExceptions() {
        lakeFs.createRepository(REPO);
        LakeFs bounded = lakeFs.bounded(Deadline.after(Duration.ofSeconds(5), clock))
                .bounded(Deadline.after(Duration.ofSeconds(60), clock));

        assertThatThrownBy(() -> bounded.getBranch(REPO, BranchId.of("missing"))).isInstanceOf(NotFoundException.class);
        clock.advance(Duration.ofSeconds(6));
        assertThatThrownBy(() -> bounded.getBranch(REPO, MAIN)).isInstanceOf(DeadlineExceededException.class);
    }
}
