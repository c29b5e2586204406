package io.lakemirror.validator;

import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.NonRetryableException;
import io.lakemirror.domain.Ref;
import io.lakemirror.domain.Region;
import io.lakemirror.lakefs.LakeFsFactory;
import io.lakemirror.store.MirrorSpec;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where the validator reads claim-checked commits: the mirror's source lakeFS. Commit records are
 * immutable and content-addressed, so the source is a safe claim store; the caller verifies every
 * record against its ID ({@link ClaimChecks}).
 */
@FunctionalInterface
public interface SourceCommits {

    /**
     * The record of commit {@code id} of {@code mirror}'s source repository.
     *
     * @throws io.lakemirror.domain.NotFoundException when the source has no such commit
     */
    CommitRecord read(MirrorSpec mirror, CommitId id);

    /** Reads from the lakeFS of the mirror's source region, at the endpoint the configuration names. */
    static SourceCommits fromLakeFs(LakeFsFactory lakeFs, Function<Region, Optional<URI>> endpoints) {
        Objects.requireNonNull(lakeFs, "lakeFs");
        Objects.requireNonNull(endpoints, "endpoints");
        return (mirror, id) -> {
            URI endpoint = endpoints.apply(mirror.sourceRegion()).orElseThrow(() -> new NonRetryableException(
                    "no lakeFS endpoint is configured for region " + mirror.sourceRegion() + ", the source of mirror "
                            + mirror.id() + ": add it to dst_endpoints; the message is retried until then"));
            return lakeFs.forEndpoint(endpoint).getCommit(mirror.sourceRepository(), Ref.of(id.value()));
        };
    }
}
