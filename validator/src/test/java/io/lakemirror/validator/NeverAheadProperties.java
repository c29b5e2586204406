package io.lakemirror.validator;

import static io.lakemirror.validator.ValidatorFixture.received;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.blockstore.BlockStore;
import io.lakemirror.blockstore.ByteSource;
import io.lakemirror.blockstore.InMemoryBlockStore;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.graveler.GravelerWriter.WrittenMetaRange;
import io.lakemirror.messages.CommitsDetected;
import io.lakemirror.store.ChangeFeed;
import io.lakemirror.store.StoreFixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Invariant I1 on the validator's side: a head is validated only when its metarange and every
 * range are in the namespace, whichever files are held back and whenever they arrive — before the
 * first check, between checks, or in the middle of one (between two of its requests, while other
 * HEADs run concurrently) — and whether the message path or the re-check pass does the checking.
 * Once everything has arrived, the next check validates it.
 */
class NeverAheadProperties {

    /**
     * @param arrivals  per file (metarange first, then the ranges): −1 present from the start, otherwise
     *                  it arrives right after the bucket's {@code t}-th request
     * @param byRecheck which checker runs each step: the message path or the re-check pass
     */
    @Property(tries = 200)
    void headIsNeverValidatedWhileAFileIsMissing(@ForAll @IntRange(min = 1, max = 6) int ranges,
                                                 @ForAll @Size(7) List<@IntRange(min = -1, max = 40) Integer> arrivals,
                                                 @ForAll @Size(min = 1, max = 12) List<Boolean> byRecheck) {
        ValidatorFixture f = new ValidatorFixture();
        WrittenMetaRange mr = TestMetaRanges.write(ranges, j -> "v1");
        List<Runnable> puts = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        puts.add(() -> f.blocks.put(f.ns.bucket(), f.ns.metadataKey(mr.id()), mr.bytes()));
        keys.add(f.ns.metadataKey(mr.id()));
        mr.ranges().forEach(r -> {
            puts.add(() -> TestMetaRanges.uploadRange(f.blocks, f.ns, r));
            keys.add(f.ns.metadataKey(r.id()));
        });
        ArrivingBlockStore bucket = new ArrivingBlockStore(f.blocks);
        for (int i = 0; i < puts.size(); i++) {
            int at = arrivals.get(i);
            if (at < 0) {
                puts.get(i).run();
            } else {
                bucket.arriveAfter(at, puts.get(i));
            }
        }
        List<String> violations = new CopyOnWriteArrayList<>();
        f.mirrors.addListener(change -> {
            if (change instanceof ChangeFeed.BranchChanged b && b.state().flatMap(s -> s.validated()).isPresent()) {
                keys.stream().filter(k -> f.blocks.head(f.ns.bucket(), k).isEmpty())
                        .forEach(k -> violations.add("validated while " + k + " is missing"));
            }
        });
        CommitRecord head = f.commit(mr.id());
        f.sensed(1, Optional.of(head.id()));
        CommitsDetected message = f.headMessage(1, head);
        Validator validator = new Validator(ValidatorFixture.options().withReceiveBudget(1000),
                StoreFixtures.DESTINATION, ValidatorFixture.ORG, portsWith(f, bucket));
        try {
            int receive = 0;
            for (boolean recheck : byRecheck) {
                if (recheck && receive > 0) {
                    validator.recheckNow();
                } else {
                    validator.handle(received(message, ++receive));
                }
                assertThat(violations).isEmpty();
            }
            bucket.arriveAll();
            if (f.branch().validated().isEmpty()) {
                validator.handle(received(message, ++receive));
            }
            assertThat(violations).isEmpty();
            assertThat(f.branch().validatedSequence()).as("validated once every file arrived").isEqualTo(1);
        } finally {
            validator.close();
        }
    }

    private static Validator.Ports portsWith(ValidatorFixture f, BlockStore bucket) {
        Validator.Ports p = f.ports();
        return new Validator.Ports(p.mirrors(), p.refstore(), p.queue(), bucket, p.sourceCommits(), p.clock(), p.meters());
    }

    /** The bucket of the test, where held-back files appear after a given number of requests. */
    static final class ArrivingBlockStore implements BlockStore {
        private final InMemoryBlockStore store;
        private final TreeMap<Integer, List<Runnable>> pending = new TreeMap<>();
        private int requests;

        ArrivingBlockStore(InMemoryBlockStore store) {
            this.store = store;
        }

        synchronized void arriveAfter(int request, Runnable put) {
            pending.computeIfAbsent(request, k -> new ArrayList<>()).add(put);
        }

        synchronized void arriveAll() {
            pending.values().forEach(l -> l.forEach(Runnable::run));
            pending.clear();
        }

        private synchronized void tick() {
            requests++;
            Map<Integer, List<Runnable>> due = pending.headMap(requests, true);
            due.values().forEach(l -> l.forEach(Runnable::run));
            due.clear();
        }

        @Override
        public Optional<Long> head(String bucket, String key) {
            try {
                return store.head(bucket, key);
            } finally {
                tick();
            }
        }

        @Override
        public ByteSource open(String bucket, String key, long size) {
            try {
                return store.open(bucket, key, size);
            } finally {
                tick();
            }
        }
    }

}
