package io.lakemirror.lakefs;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Objects;

/**
 * The default {@link LakeFs#bounded} view: every call checks the deadline before it starts and is
 * refused with {@link io.lakemirror.domain.DeadlineExceededException} once it has passed. It cannot
 * cut short a call already running; an adapter that can (the SDK adapter sets per-call timeouts)
 * overrides {@link LakeFs#bounded} instead.
 *
 * <p>The view is a dynamic proxy of the port, so an operation added to {@link LakeFs} later is
 * bounded too without anyone remembering to wrap it.
 */
public final class BoundedLakeFs implements InvocationHandler {
    private static final Method BOUNDED;

    static {
        try {
            BOUNDED = LakeFs.class.getMethod("bounded", Deadline.class);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final LakeFs delegate;
    private final Deadline deadline;

    private BoundedLakeFs(LakeFs delegate, Deadline deadline) {
        this.delegate = delegate;
        this.deadline = deadline;
    }

    /** {@code delegate} with every call checked against {@code deadline} before it starts. */
    public static LakeFs of(LakeFs delegate, Deadline deadline) {
        Objects.requireNonNull(delegate, "delegate");
        Objects.requireNonNull(deadline, "deadline");
        return (LakeFs) Proxy.newProxyInstance(LakeFs.class.getClassLoader(), new Class<?>[] {LakeFs.class},
                new BoundedLakeFs(delegate, deadline));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> delegate + " bounded by " + deadline;
            };
        }
        if (method.equals(BOUNDED)) {
            return of(delegate, deadline.earliest((Deadline) args[0]));
        }
        deadline.check("lakeFS " + method.getName() + " of " + delegate);
        try {
            return method.invoke(delegate, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
