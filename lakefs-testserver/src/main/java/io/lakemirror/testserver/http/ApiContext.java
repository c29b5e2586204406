package io.lakemirror.testserver.http;

import io.lakemirror.lakefs.policy.Permission;
import io.lakemirror.testserver.auth.AuthStore;
import io.lakemirror.testserver.auth.Authorizer;
import io.lakemirror.testserver.service.BranchService;
import io.lakemirror.testserver.service.CommitService;
import io.lakemirror.testserver.service.ObjectService;
import io.lakemirror.testserver.service.RepositoryService;
import io.lakemirror.testserver.service.TagService;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;

/**
 * What every handler needs: the services, authorization, and the worker pool for the parts of a
 * request that block (bucket I/O, the repository write lock).
 */
public record ApiContext(RepositoryService repositories, BranchService branches, CommitService commits,
                         TagService tags, ObjectService objects, AuthStore authStore, Authorizer authorizer,
                         WorkerExecutor workers) {

    /** The request's user when allowed {@code permission}; 401 otherwise. */
    AuthStore.UserRecord authorize(RoutingContext ctx, Permission permission) {
        return authorizer.require(Requests.user(ctx), permission, Requests.sourceIp(ctx));
    }

    AuthStore.UserRecord authenticated(RoutingContext ctx) {
        return authorizer.requireUser(Requests.user(ctx));
    }

    /**
     * Runs {@code work} on a worker thread, then {@code answer} on the request's event loop; a
     * failure of either goes to the failure handler.
     */
    <T> void blocking(RoutingContext ctx, Callable<T> work, BiConsumer<RoutingContext, T> answer) {
        workers.executeBlocking(work, false).onComplete(done -> {
            if (done.failed()) {
                ctx.fail(done.cause());
                return;
            }
            try {
                answer.accept(ctx, done.result());
            } catch (RuntimeException e) {
                ctx.fail(e);
            }
        });
    }
}
