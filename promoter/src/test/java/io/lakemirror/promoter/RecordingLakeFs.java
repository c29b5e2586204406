package io.lakemirror.promoter;

import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.lakefs.Deadline;
import io.lakemirror.lakefs.LakeFs;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link LakeFs} in front of a fake that records what the promoter asks of it: each call with the
 * deadline of the bounded view it came through, the commit records created in order, and, when told
 * to, holds one write back to run it later, as a lakeFS that applies a request after its client gave
 * up at the deadline.
 */
final class RecordingLakeFs {
    /** One call: its operation, when it was made, and the deadline it was held to (empty: unbounded). */
    record Call(String operation, Instant at, Optional<Instant> deadline) {
    }

    /** Runs instead of the held write; its exception is what the promoter sees. */
    @FunctionalInterface
    interface Holder {
        RuntimeException hold(Runnable lateWrite);
    }

    final List<Call> calls = new CopyOnWriteArrayList<>();
    final List<CommitId> created = new CopyOnWriteArrayList<>();
    private final LakeFs delegate;
    private final Clock clock;
    private volatile String heldOperation;
    private volatile int heldSkip;
    private volatile Holder holder;
    private volatile java.util.function.Consumer<Call> beforeEach = call -> { };

    RecordingLakeFs(LakeFs delegate, Clock clock) {
        this.delegate = delegate;
        this.clock = clock;
    }

    /** The next call of {@code operation} is not made; {@code holder} gets it to run later and says what the caller sees. */
    void holdNext(String operation, Holder holder) {
        holdNth(operation, 0, holder);
    }

    /** As {@link #holdNext}, for the {@code n}-th call of {@code operation} from now on (0: the next). */
    void holdNth(String operation, int n, Holder holder) {
        this.holder = holder;
        this.heldSkip = n;
        this.heldOperation = operation;
    }

    /** Runs as each call is made, before its deadline is checked, so a test can look at the world as the call starts. */
    void beforeEach(java.util.function.Consumer<Call> hook) {
        this.beforeEach = hook;
    }

    LakeFs lakeFs() {
        return view(Optional.empty());
    }

    private LakeFs view(Optional<Deadline> deadline) {
        return (LakeFs) Proxy.newProxyInstance(LakeFs.class.getClassLoader(), new Class<?>[] {LakeFs.class},
                (proxy, method, args) -> invoke(deadline, proxy, method, args));
    }

    private Object invoke(Optional<Deadline> deadline, Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> "RecordingLakeFs of " + delegate;
            };
        }
        if (method.getName().equals("bounded")) {
            Deadline given = (Deadline) args[0];
            return view(Optional.of(deadline.map(d -> d.earliest(given)).orElse(given)));
        }
        Call call = new Call(method.getName(), clock.instant(), deadline.map(Deadline::instant));
        calls.add(call);
        beforeEach.accept(call);
        deadline.ifPresent(d -> d.check("recorded " + method.getName()));
        LakeFs target = deadline.map(delegate::bounded).orElse(delegate);
        if (method.getName().equals(heldOperation) && heldSkip-- == 0) {
            heldOperation = null;
            // lakeFS received the request in time and applies it whenever it gets to it: no deadline applies.
            throw holder.hold(() -> call(delegate, method, args));
        }
        Object result = call(target, method, args);
        if (method.getName().equals("createCommitRecord")) {
            created.add(((CommitRecord) args[1]).id());
        }
        return result;
    }

    private static Object call(LakeFs target, Method method, Object[] args) {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Calls of {@code operation} so far. */
    List<Call> calls(String operation) {
        return calls.stream().filter(c -> c.operation().equals(operation)).toList();
    }

    Map<String, Long> counts() {
        return calls.stream().collect(java.util.stream.Collectors.groupingBy(Call::operation,
                java.util.stream.Collectors.counting()));
    }
}
