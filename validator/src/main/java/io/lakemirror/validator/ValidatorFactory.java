package io.lakemirror.validator;

import io.lakemirror.aws.dynamodb.DynamoDbStores;
import io.lakemirror.aws.s3.S3BlockStore;
import io.lakemirror.aws.sqs.SqsCommitsQueue;
import io.lakemirror.config.ReplicationConfig;
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
 * Builds the validator of a configured process on the real adapters: the mirrors database and
 * refstore on DynamoDB, the commits queue on SQS, the bucket on S3, and the lakeFS SDK client for
 * claim-checked commits. The returned component owns them all and closes them after the validator.
 */
public final class ValidatorFactory {
    private static final Logger LOG = LoggerFactory.getLogger(ValidatorFactory.class);

    private ValidatorFactory() {
    }

    /**
     * A validator for {@code config}'s region, not started. Connecting may fail (tables that cannot
     * be created, a queue without dead-letter queue); whatever was built by then is closed again.
     */
    public static Component create(ReplicationConfig config, MeterRegistry meters) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(meters, "meters");
        Deque<AutoCloseable> owned = new ArrayDeque<>();
        try {
            DynamoDbStores stores = push(owned, DynamoDbStores.builder(config).build());
            SqsCommitsQueue queue = push(owned, SqsCommitsQueue.create(config));
            // Refuse to consume a queue without a dead-letter queue now rather than on the first receive.
            queue.verifyConsumerSetup();
            S3BlockStore blockStore = push(owned, S3BlockStore.create(config));
            SdkLakeFsFactory lakeFs = push(owned, new SdkLakeFsFactory(config.lakeFsCredentials().accessKeyId(),
                    config.lakeFsCredentials().secretAccessKey()));
            Validator validator = new Validator(ValidatorOptions.from(config.validator(), config.listMirrorsPageSize()),
                    config.region(), config.organizationId(), new Validator.Ports(stores.mirrorsDatabase(),
                    stores.refstore(), queue, blockStore, SourceCommits.fromLakeFs(lakeFs, config::lakeFsEndpoint),
                    Clock.systemUTC(), meters));
            return new Owning(validator, owned);
        } catch (RuntimeException e) {
            closeAll(owned);
            throw e;
        }
    }

    /** A validator for the backends' region, not started, on clients the backends own. */
    public static Component create(io.lakemirror.runtime.Backends backends, MeterRegistry meters) {
        ReplicationConfig config = backends.config();
        return new Validator(ValidatorOptions.from(config.validator(), config.listMirrorsPageSize()), config.region(),
                config.organizationId(), new Validator.Ports(backends.mirrorsDatabase(), backends.refstore(),
                backends.consumerQueue(), backends.blockStore(),
                SourceCommits.fromLakeFs(backends.lakeFsClients(), config::lakeFsEndpoint), Clock.systemUTC(), meters));
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
                LOG.warn("Closing {} failed: {}", resource, e.toString());
            }
        }
    }

    /** The validator plus the clients it runs on, closed in reverse order of creation after it. */
    private static final class Owning implements Component {
        private final Validator validator;
        private final Deque<AutoCloseable> owned;

        Owning(Validator validator, Deque<AutoCloseable> owned) {
            this.validator = validator;
            this.owned = owned;
        }

        @Override
        public String name() {
            return validator.name();
        }

        @Override
        public void start() {
            validator.start();
        }

        @Override
        public void close() {
            try {
                validator.close();
            } finally {
                synchronized (owned) {
                    closeAll(owned);
                }
            }
        }
    }
}
