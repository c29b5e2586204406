package io.lakemirror.aws.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakemirror.domain.NotFoundException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class RangedByteSourceTest {

    /** An object held in memory that serves ranges like S3 and records every request. */
    private static final class Remote implements RangedByteSource.RangeReader {
        final byte[] bytes;
        final List<long[]> requests = new ArrayList<>();

        Remote(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public synchronized byte[] read(long first, long last) {
            requests.add(new long[] {first, last});
            if (first >= bytes.length) {
                return new byte[0];
            }
            return Arrays.copyOfRange(bytes, (int) first, (int) Math.min(bytes.length, last + 1));
        }

        synchronized long bytesTransferred() {
            return requests.stream().mapToLong(r -> Math.min(bytes.length, r[1] + 1) - Math.min(bytes.length, r[0])).sum();
        }
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    @Property(tries = 100)
    void read_shouldReturnTheObjectsBytes_forAnySequenceOfReads(
            @ForAll @IntRange(min = 0, max = 300_000) int size, @ForAll long seed,
            @ForAll @IntRange(min = 1, max = 100_000) int minimumRequest) {
        Remote remote = new Remote(randomBytes(size, seed));
        RangedByteSource source = new RangedByteSource("s3://b/k", size, minimumRequest, remote);
        Random random = new Random(seed ^ 0x5DEECE66DL);

        for (int i = 0; i < 40; i++) {
            long offset = random.nextInt(size + 10);
            int length = random.nextInt(70_000);
            long end = Math.min(size, offset + length);
            byte[] expected = end <= offset ? new byte[0] : Arrays.copyOfRange(remote.bytes, (int) offset, (int) end);

            assertThat(source.read(offset, length)).as("read(%d, %d) of %d bytes", offset, length, size)
                    .isEqualTo(expected);
        }
    }

    @Test
    void read_shouldServeSequentialReadsFromTheLastSpan_withoutRefetchingBytes() {
        Remote remote = new Remote(randomBytes(1 << 20, 1));
        RangedByteSource source = new RangedByteSource("s3://b/k", remote.bytes.length, 64 * 1024, remote);

        // The codec's pattern: the tail, then blocks front to back with a doubling readahead.
        source.read(remote.bytes.length - 16 * 1024, 16 * 1024);
        long offset = 0;
        for (int readahead = 16 * 1024; offset < remote.bytes.length - 16 * 1024; readahead = Math.min(2 * readahead, 256 * 1024)) {
            int length = (int) Math.min(readahead, remote.bytes.length - 16 * 1024 - offset);
            assertThat(source.read(offset, length)).isEqualTo(Arrays.copyOfRange(remote.bytes, (int) offset, (int) (offset + length)));
            offset += length;
        }

        assertThat(remote.requests).as("requests").hasSizeLessThan(12);
        assertThat(remote.bytesTransferred()).as("bytes transferred")
                .isLessThanOrEqualTo(remote.bytes.length + 64 * 1024);
    }

    @Test
    void read_shouldAskForAtLeastTheMinimum_butNeverPastTheEnd() {
        Remote remote = new Remote(randomBytes(100_000, 2));
        RangedByteSource source = new RangedByteSource("s3://b/k", 100_000, 64 * 1024, remote);

        source.read(0, 100);
        source.read(90_000, 100);

        assertThat(remote.requests).containsExactly(new long[] {0, 65_535}, new long[] {90_000, 99_999});
    }

    @Test
    void read_shouldFetchOnlyTheRest_whenAReadStartsInsideTheLastSpan() {
        Remote remote = new Remote(randomBytes(200_000, 3));
        RangedByteSource source = new RangedByteSource("s3://b/k", 200_000, 1_000, remote);

        source.read(0, 1_000);
        byte[] straddling = source.read(500, 1_000);

        assertThat(straddling).isEqualTo(Arrays.copyOfRange(remote.bytes, 500, 1_500));
        assertThat(remote.requests).containsExactly(new long[] {0, 999}, new long[] {1_000, 1_999});
    }

    @Test
    void read_shouldReturnFewerBytes_whenTheObjectIsShorterThanItsRecordedSize() {
        Remote remote = new Remote(randomBytes(1_000, 4));
        RangedByteSource source = new RangedByteSource("s3://b/k", 2_000, 100, remote);

        assertThat(source.read(900, 500)).hasSize(100);
        assertThat(source.read(1_500, 100)).isEmpty();
    }

    @Test
    void read_shouldReturnNothing_atOrPastTheEnd_withoutARequest() {
        Remote remote = new Remote(randomBytes(10, 5));
        RangedByteSource source = new RangedByteSource("s3://b/k", 10, 100, remote);

        assertThat(source.read(10, 5)).isEmpty();
        assertThat(source.read(3, 0)).isEmpty();
        assertThat(remote.requests).isEmpty();
    }

    @Test
    void read_shouldPassTheReadersFailureThrough() {
        RangedByteSource source = new RangedByteSource("s3://b/k", 10, 100, (first, last) -> {
            throw new NotFoundException("s3://b/k disappeared");
        });

        assertThatThrownBy(() -> source.read(0, 5)).isInstanceOf(NotFoundException.class);
    }

    @Test
    void read_shouldGiveEachThreadCorrectBytes_whenReadConcurrently() throws Exception {
        Remote remote = new Remote(randomBytes(500_000, 6));
        RangedByteSource source = new RangedByteSource("s3://b/k", remote.bytes.length, 10_000, remote);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                long seed = t;
                results.add(pool.submit(() -> {
                    Random random = new Random(seed);
                    for (int i = 0; i < 300; i++) {
                        int offset = random.nextInt(remote.bytes.length);
                        int length = random.nextInt(20_000);
                        int end = Math.min(remote.bytes.length, offset + length);
                        if (!Arrays.equals(source.read(offset, length), Arrays.copyOfRange(remote.bytes, offset, end))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get(30, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void read_shouldRefuseANegativeOffsetOrLength() {
        RangedByteSource source = new RangedByteSource("s3://b/k", 10, 100, new Remote(new byte[10]));

        assertThatThrownBy(() -> source.read(-1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> source.read(0, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
