package io.lakemirror.sensor;

import io.lakemirror.config.ReplicationConfig;
import io.lakemirror.lakefs.LakeFs;
import io.lakemirror.runtime.Backends;
import io.lakemirror.runtime.Component;
import io.lakemirror.runtime.Components;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Objects;

/**
 * Builds the commit sensor of a configured process on the real adapters: the mirrors database on
 * DynamoDB, the commits queues of every destination region on SQS, and the lakeFS SDK client of
 * this region's lakeFS ({@code regional_endpoint}), where the source repositories live. The
 * returned component owns them all and closes them after the sensor.
 */
public final class SensorFactory {
    private SensorFactory() {
    }

    /**
     * A sensor for {@code config}'s region, not started. Connecting may fail (a table that cannot be
     * created, say); whatever was built by then is closed again.
     */
    public static Component create(ReplicationConfig config, MeterRegistry meters) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(meters, "meters");
        Backends backends = Backends.of(config);
        try {
            return Components.closingAfter(create(backends, meters), backends);
        } catch (RuntimeException e) {
            backends.close();
            throw e;
        }
    }

    /** A sensor for the backends' region, not started, on clients the backends own. */
    public static Component create(Backends backends, MeterRegistry meters) {
        return new CommitSensor(SensorSettings.from(backends.config()), backends.localLakeFs(), backends.mirrorsDatabase(),
                backends.commitsQueue(), Clock.systemUTC(), meters);
    }
}
