package io.lakemirror.aws.s3;

import io.lakemirror.blockstore.ByteSource;
import java.util.Arrays;
import java.util.Objects;

/**
 * A remote file read in ranges, one request per read that the last fetched span does not hold.
 * Each request asks for at least {@code minimumRequest} bytes (never past the end), and a read that
 * starts inside the last span and runs past it fetches only the rest: the graveler codec reads the
 * footer, then blocks front to back with a growing readahead, so most reads after the first few
 * are served, at least in part, by the previous request. Only the last span is kept, so memory
 * stays bounded. Safe for concurrent reads (the span is an immutable value swapped atomically).
 */
final class RangedByteSource implements ByteSource {
    private static final byte[] EMPTY = new byte[0];

    /** Fetches bytes of the remote file. */
    @FunctionalInterface
    interface RangeReader {
        /**
         * Bytes {@code first} to {@code last} inclusive; fewer when the file ends first, none when it
         * ends before {@code first}.
         */
        byte[] read(long first, long last);
    }

    private final String name;
    private final long size;
    private final int minimumRequest;
    private final RangeReader reader;
    private volatile Span last;

    RangedByteSource(String name, long size, int minimumRequest, RangeReader reader) {
        if (size < 0) {
            throw new IllegalArgumentException(name + ": size must not be negative, got " + size);
        }
        if (minimumRequest < 1) {
            throw new IllegalArgumentException("minimumRequest must be positive, got " + minimumRequest);
        }
        this.name = Objects.requireNonNull(name, "name");
        this.size = size;
        this.minimumRequest = minimumRequest;
        this.reader = Objects.requireNonNull(reader, "reader");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public byte[] read(long offset, int length) {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException(name + ": cannot read " + length + " bytes at offset " + offset);
        }
        long end = Math.min(size, offset + length);
        if (end <= offset) {
            return EMPTY;
        }
        Span cached = last;
        if (cached != null && cached.offset <= offset && end <= cached.end()) {
            return cached.copy(offset, end);
        }
        byte[] prefix = EMPTY;
        long from = offset;
        if (cached != null && cached.offset <= offset && offset < cached.end() && cached.end() < end) {
            prefix = cached.copy(offset, cached.end());
            from = cached.end();
        }
        long fetchEnd = Math.min(size, Math.max(end, from + minimumRequest));
        byte[] fetched = reader.read(from, fetchEnd - 1);
        last = new Span(from, fetched);
        int wanted = (int) Math.min(fetched.length, end - from);
        byte[] result = Arrays.copyOf(prefix, prefix.length + wanted);
        System.arraycopy(fetched, 0, result, prefix.length, wanted);
        return result;
    }

    @Override
    public String toString() {
        return name + " (" + size + " bytes)";
    }

    private record Span(long offset, byte[] bytes) {
        long end() {
            return offset + bytes.length;
        }

        byte[] copy(long from, long to) {
            return Arrays.copyOfRange(bytes, (int) (from - offset), (int) (to - offset));
        }
    }
}
