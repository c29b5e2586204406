package io.lakemirror.sandbox;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sandbox's ports, all on 127.0.0.1: a base (default {@value #DEFAULT_BASE}) plus a fixed
 * offset per server, so {@code --port-base} shifts them together. Base 0 means free ports
 * everywhere (tests, the lag benchmark).
 */
record SandboxPorts(int base, int lakeFsA, int lakeFsB, int apiA, int apiB, int s3, int sqs, int dynamoDb) {
    static final int DEFAULT_BASE = 18000;
    /** The largest base whose highest port (base + 455) is still a port. */
    static final int MAX_BASE = 65535 - 455;
    static final int MIN_BASE = 1024;

    /** The ports at {@code base} (0: free ports everywhere). */
    static SandboxPorts at(int base) {
        if (base == 0) {
            return new SandboxPorts(0, 0, 0, 0, 0, 0, 0, 0);
        }
        if (base < MIN_BASE || base > MAX_BASE) {
            throw new IllegalArgumentException("--port-base must be 0 (free ports) or between " + MIN_BASE + " and "
                    + MAX_BASE + ", got " + base);
        }
        return new SandboxPorts(base, base, base + 1, base + 8, base + 9, base + 90, base + 324, base + 455);
    }

    boolean free() {
        return base == 0;
    }

    /** Port → what it is for, in the order the README lists them (regions A then B). */
    Map<Integer, String> describe(String regionA, String regionB) {
        Map<Integer, String> ports = new LinkedHashMap<>();
        ports.put(lakeFsA, "lakeFS of " + regionA);
        ports.put(lakeFsB, "lakeFS of " + regionB);
        ports.put(apiA, "replication API of " + regionA);
        ports.put(apiB, "replication API of " + regionB);
        ports.put(s3, "S3");
        ports.put(sqs, "SQS");
        ports.put(dynamoDb, "DynamoDB");
        return ports;
    }
}
