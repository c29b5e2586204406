package io.lakemirror.testserver.storage;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Physical addresses for uploaded objects in lakeFS's layout, {@code data/<partition>/<object>}
 * relative to the storage namespace, built from xid-like identifiers (12 bytes: seconds, random
 * machine and process bytes, a counter; 20 characters of base32hex). Like lakeFS, consecutive
 * uploads share a partition for a while.
 */
public final class PhysicalAddresses {
    private static final char[] BASE32HEX = "0123456789abcdefghijklmnopqrstuv".toCharArray();
    private static final int OBJECTS_PER_PARTITION = 1000;

    private final Clock clock;
    private final byte[] machine = new byte[5];
    private final AtomicInteger counter;
    private final AtomicInteger written = new AtomicInteger();
    private volatile String partition;

    public PhysicalAddresses(Clock clock) {
        this.clock = clock;
        SecureRandom random = new SecureRandom();
        random.nextBytes(machine);
        this.counter = new AtomicInteger(random.nextInt(1 << 24));
        this.partition = nextId();
    }

    /** A new address relative to the storage namespace. */
    public String next() {
        if (written.incrementAndGet() % OBJECTS_PER_PARTITION == 0) {
            partition = nextId();
        }
        return "data/" + partition + "/" + nextId();
    }

    private String nextId() {
        long seconds = clock.instant().getEpochSecond();
        int count = counter.getAndIncrement();
        byte[] id = new byte[12];
        id[0] = (byte) (seconds >>> 24);
        id[1] = (byte) (seconds >>> 16);
        id[2] = (byte) (seconds >>> 8);
        id[3] = (byte) seconds;
        System.arraycopy(machine, 0, id, 4, 5);
        id[9] = (byte) (count >>> 16);
        id[10] = (byte) (count >>> 8);
        id[11] = (byte) count;
        return base32hex(id);
    }

    private static String base32hex(byte[] bytes) {
        StringBuilder out = new StringBuilder(20);
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(BASE32HEX[(buffer >>> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(BASE32HEX[(buffer << (5 - bits)) & 31]);
        }
        return out.toString();
    }
}
