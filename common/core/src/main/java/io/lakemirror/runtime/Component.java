package io.lakemirror.runtime;

/**
 * A long-running part of the service (sensor, validator, promoter, mirrors manager, API) that the
 * launcher starts and stops. {@link #close()} must return within a bounded time.
 */
public interface Component extends AutoCloseable {

    /** Short name for logs, for example {@code sensor}. */
    String name();

    /** Starts background work and returns; failures to start are thrown. */
    void start();

    /** Stops background work, waiting a bounded time for in-flight work to finish. */
    @Override
    void close();
}
