package io.lakemirror.sensor;

import io.lakemirror.aws.dynamodb.DynamoDbStores;
import io.lakemirror.aws.sqs.SqsCommitsQueue;
import io.lakemirror.config.ReplicationConfig;
import io.lakemirror.lakefs.LakeFs;
import io.lakemirror.lakefs.sdk.SdkLakeFsFactory;
import io.lakemirror.runtime.Component;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the commit sensor of a configured process on the real adapters: the mirrors database on
 * DynamoDB, the commits queues of every destination region on SQS, and the lakeFS SDK client of
 * this region's lakeFS ({@code regional_endpoint}), where the source repositories live. The
 * returned component owns them all and closes them after the sensor.
 */
public final class SensorFactory {
    private static final Logger LOG = LoggerFactory.getLogger(SensorFactory.class);

    private SensorFactory() {
    }

    /**
     * A sensor for {@code config}'s region, not started. Connecting may fail (a table that cannot be
     * created, say); whatever was built by then is closed again.
     */
    public static Component create(ReplicationConfig config, MeterRegistry meters) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(meters, "meters");
        Deque<AutoCloseable> owned = new ArrayDeque<>();
        try {
            DynamoDbStores stores = push(owned, DynamoDbStores.builder(config).build());
            SqsCommitsQueue queue = push(owned, SqsCommitsQueue.create(config));
            SdkLakeFsFactory lakeFsClients = push(owned, new SdkLakeFsFactory(config.lakeFsCredentials().accessKeyId(),
                    config.lakeFsCredentials().secretAccessKey()));
            LakeFs source = lakeFsClients.forEndpoint(config.regionalEndpoint());
            CommitSensor sensor = new CommitSensor(SensorSettings.from(config), source, stores.mirrorsDatabase(), queue,
                    Clock.systemUTC(), meters);
            return new Owning(sensor, owned);
        } catch (RuntimeException e) {
            closeAll(owned);
            throw e;
        }
    }

    /** A sensor for the backends' region, not started, on clients the backends own. */
    public static Component create(io.lakemirror.runtime.Backends backends, MeterRegistry meters) {
        return new CommitSensor(SensorSettings.from(backends.config()), backends.localLakeFs(), backends.mirrorsDatabase(),
                backends.commitsQueue(), Clock.systemUTC(), meters);
    }

    private static <T extends AutoCloseable> T push(Deque<AutoCloseable> owned, T resource) {
        owned.push(resource);
        return resource;
    }

    private static void closeAll(Deque<AutoCloseable> owned) {
        while (!owned.isEmpty()) {
            AutoCloseable resource = owned.pop();
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("Closing {} failed: {}; continuing with the rest", resource, e.toString());
            }
        }
    }

    /** The sensor plus the clients it runs on, closed in reverse order of creation after it. */
    private static final class Owning implements Component {
        private final CommitSensor sensor;
        private final Deque<AutoCloseable> owned;

        Owning(CommitSensor sensor, Deque<AutoCloseable> owned) {
            this.sensor = sensor;
            this.owned = owned;
        }

        @Override
        public String name() {
            return sensor.name();
        }

        @Override
        public void start() {
            sensor.start();
        }

        @Override
        public void close() {
            try {
                sensor.close();
            } finally {
                synchronized (owned) {
                    closeAll(owned);
                }
            }
        }
    }
}
