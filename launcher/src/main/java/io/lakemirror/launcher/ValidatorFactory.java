package io.lakemirror.validator;

import io.lakemirror.config.ReplicationConfig;
import io.lakemirror.runtime.Backends;
import io.lakemirror.runtime.Component;
import io.lakemirror.runtime.Components;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Objects;

/**
 * Builds the validator of a configured process on the real adapters: the mirrors database and
 * refstore on DynamoDB, the commits queue on SQS, the bucket on S3, and the lakeFS SDK client for
 * claim-checked commits. The returned component owns them all and closes them after the validator.
 */
public final class ValidatorFactory {
    private ValidatorFactory() {
    }

    /**
     * A validator for {@code config}'s region, not started. Connecting may fail (tables that cannot
     * be created, a queue without dead-letter queue); whatever was built by then is closed again.
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

    /** A validator for the backends' region, not started, on clients the backends own. */
    public static Component create(Backends backends, MeterRegistry meters) {
        ReplicationConfig config = backends.config();
        return new Validator(ValidatorOptions.from(config.validator(), config.listMirrorsPageSize()), config.region(),
                config.organizationId(), new Validator.Ports(backends.mirrorsDatabase(), backends.refstore(),
                backends.consumerQueue(), backends.blockStore(),
                SourceCommits.fromLakeFs(backends.lakeFsClients(), config::lakeFsEndpoint), Clock.systemUTC(), meters));
    }
}
