package io.lakemirror.validator;

import io.lakemirror.blockstore.BlockStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * HEAD requests for many keys of one bucket, run concurrently on the validator's file-check pool.
 * The caller waits; it is never a pool thread, so a pool of any size cannot deadlock on itself.
 */
final class FileLookups {
    private final BlockStore store;
    private final Executor pool;

    FileLookups(BlockStore store, Executor pool) {
        this.store = store;
        this.pool = pool;
    }

    /**
     * Sizes of {@code keys} (empty: absent), in the order given. The first failure is thrown once
     * every started request has finished or been cancelled.
     *
     * @param onRequest called once per request, from the thread that made it
     */
    Map<String, Optional<Long>> head(String bucket, List<String> keys, Consumer<String> onRequest) {
        Map<String, Optional<Long>> sizes = new LinkedHashMap<>();
        if (keys.size() == 1) {
            onRequest.accept(keys.get(0));
            sizes.put(keys.get(0), store.head(bucket, keys.get(0)));
            return sizes;
        }
        List<CompletableFuture<Optional<Long>>> futures = new ArrayList<>(keys.size());
        for (String key : keys) {
            futures.add(CompletableFuture.supplyAsync(() -> {
                onRequest.accept(key);
                return store.head(bucket, key);
            }, pool));
        }
        RuntimeException failure = null;
        for (int i = 0; i < keys.size(); i++) {
            try {
                sizes.put(keys.get(i), futures.get(i).join());
            } catch (CompletionException | CancellationException e) {
                if (failure == null) {
                    failure = unwrap(e);
                    // Requests not started yet would only repeat the failure; let them go.
                    futures.forEach(f -> f.cancel(false));
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        return sizes;
    }

    private static RuntimeException unwrap(RuntimeException e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof RuntimeException re) {
            return re;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        return new IllegalStateException(cause);
    }
}
