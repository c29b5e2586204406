package io.lakemirror.testkit;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the replicators themselves wrote, so that two replicators in opposite directions do not copy
 * each other's replicas back and forth: S3 replication never replicates a replica. Share one ledger
 * between all replicators of a world.
 */
public final class ReplicaLedger {
    private final Set<String> replicas = ConcurrentHashMap.newKeySet();
    private final Set<String> deletes = ConcurrentHashMap.newKeySet();

    void expectReplica(String bucket, String key, String etag) {
        replicas.add(bucket + '\n' + key + '\n' + etag);
    }

    boolean isReplica(String bucket, String key, String etag) {
        return replicas.contains(bucket + '\n' + key + '\n' + etag);
    }

    void expectReplicaDelete(String bucket, String key) {
        deletes.add(bucket + '\n' + key);
    }

    /** True once for each delete a replicator made. */
    boolean consumeReplicaDelete(String bucket, String key) {
        return deletes.remove(bucket + '\n' + key);
    }
}
