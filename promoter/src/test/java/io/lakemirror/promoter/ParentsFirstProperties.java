package io.lakemirror.promoter;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class ParentsFirstProperties {

    @Property(tries = 200)
    void parentsFirst_shouldPlaceEveryParentBeforeItsChildren(@ForAll @IntRange(min = 1, max = 200) int size,
                                                              @ForAll long seed) {
        Random random = new Random(seed);
        List<CommitRecord> all = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            List<CommitId> parents = new ArrayList<>();
            int parentCount = i == 0 ? 0 : 1 + (random.nextInt(4) == 0 ? 1 : 0);
            for (int p = 0; p < parentCount; p++) {
                CommitId parent = all.get(random.nextInt(all.size())).id();
                if (!parents.contains(parent)) {
                    parents.add(parent);
                }
            }
            // Dates are random: lakeFS dates need not follow topology (date overrides, clock skew).
            all.add(new CommitRecord(CommitId.of(String.format("%064x", i + 1)), parents, "c", "m" + i, Optional.empty(),
                    Instant.ofEpochSecond(random.nextInt(1000)), Map.of(), random.nextInt(50), 1));
        }
        Map<CommitId, CommitRecord> subset = new HashMap<>();
        all.stream().filter(c -> random.nextInt(3) > 0).forEach(c -> subset.put(c.id(), c));

        List<CommitRecord> ordered = MissingCommits.parentsFirst(subset);

        assertThat(ordered).hasSize(subset.size());
        Set<CommitId> placed = new HashSet<>();
        for (CommitRecord c : ordered) {
            for (CommitId p : c.parents()) {
                if (subset.containsKey(p)) {
                    assertThat(placed).as("parent %s of %s", p, c.id()).contains(p);
                }
            }
            placed.add(c.id());
        }
    }
}
