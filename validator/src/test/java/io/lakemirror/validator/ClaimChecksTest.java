package io.lakemirror.validator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.NonRetryableException;
import io.lakemirror.domain.Ref;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.lakefs.LakeFs;
import io.lakemirror.store.StoreFixtures;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClaimChecksTest {
    private final ValidatorFixture f = new ValidatorFixture();
    private final List<String> calls = new ArrayList<>();

    /** A lakeFS client that only answers getCommit, from {@code commits}. */
    private LakeFs lakeFs(URI endpoint, Map<CommitId, CommitRecord> commits) {
        return (LakeFs) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {LakeFs.class},
                (proxy, method, args) -> {
                    if (!method.getName().equals("getCommit")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    calls.add(endpoint + " " + args[0] + " " + args[1]);
                    return commits.get(CommitId.of(((Ref) args[1]).value()));
                });
    }

    @Test
    void fromLakeFs_shouldReadFromTheSourceRegionsEndpoint() {
        CommitRecord c = f.commit(Optional.empty());
        URI source = URI.create("http://lakefs.us-east-1.test");
        SourceCommits commits = SourceCommits.fromLakeFs(endpoint -> lakeFs(endpoint, Map.of(c.id(), c)),
                region -> region.equals(StoreFixtures.SOURCE) ? Optional.of(source) : Optional.empty());

        CommitRecord read = commits.read(f.spec, c.id());

        assertThat(read).isEqualTo(c);
        assertThat(calls).containsExactly(source + " " + RepositoryId.of("source-repo") + " " + c.id());
    }

    @Test
    void fromLakeFs_shouldExplainTheFix_whenTheSourceRegionHasNoEndpoint() {
        SourceCommits commits = SourceCommits.fromLakeFs(endpoint -> lakeFs(endpoint, Map.of()), region -> Optional.empty());

        assertThatThrownBy(() -> commits.read(f.spec, StoreFixtures.commitId(1)))
                .isInstanceOf(NonRetryableException.class).hasMessageContaining("dst_endpoints")
                .hasMessageContaining("us-east-1");
    }

    @Test
    void resolve_shouldReuseStoredRecords_withoutAskingTheSource() {
        CommitRecord c = f.commit(Optional.empty());
        f.refstore.putCommits(f.spec.id(), List.of(c));
        ClaimChecks checks = new ClaimChecks((mirror, id) -> {
            throw new AssertionError("source asked for " + id);
        }, f.refstore);

        assertThat(checks.resolve(f.spec, List.of(c.id()))).containsExactly(c);
    }

    @Test
    void verify_shouldRefuseARecordOfAnotherCommit() {
        CommitRecord a = f.commit(Optional.empty());
        CommitRecord b = f.commit(Optional.empty());

        assertThatThrownBy(() -> ClaimChecks.verify(a.id(), b, "claim-checked commit " + a.id()))
                .isInstanceOf(ClaimChecks.UnverifiableCommitException.class)
                .hasMessageContaining("returned commit " + b.id());
    }
}
