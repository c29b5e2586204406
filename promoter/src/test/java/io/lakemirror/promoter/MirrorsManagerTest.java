package io.lakemirror.promoter;

import static io.lakemirror.promoter.PromoterFixture.MIRROR;
import static io.lakemirror.promoter.PromoterFixture.MIRROR_REPO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakemirror.domain.AlreadyExistsException;
import io.lakemirror.domain.RetryableException;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.lakefs.fake.LakeFsOperation;
import io.lakemirror.lakefs.Repository;
import io.lakemirror.lakefs.RepositoryCreation;
import io.lakemirror.lakefs.fake.FakeLakeFs;
import io.lakemirror.store.MirrorState;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MirrorsManagerTest {
    private final PromoterFixture f = new PromoterFixture();

    @Test
    void reconcile_shouldCreateABareReadOnlyRepository_andMarkTheMirrorActive() {
        f.manager().reconcile(MIRROR);

        Repository repo = f.mirror.getRepository(MIRROR_REPO);
        assertThat(repo.readOnly()).isTrue();
        assertThat(repo.storageNamespace()).isEqualTo("s3://bucket-eu/source-repo");
        assertThat(f.mirror.branches(MIRROR_REPO)).as("bare: no initial commit, no branch").isEmpty();
        assertThat(f.mirror.getRepositoryMetadata(MIRROR_REPO)).containsEntry(MirrorsManager.OWNER_KEY, "m1");
        assertThat(f.db.getMirror(MIRROR).orElseThrow().state()).isEqualTo(MirrorState.ACTIVE);
    }

    @Test
    void reconcile_shouldBeIdempotent_whenTwoManagersRunAtOnce() {
        MirrorsManager first = f.manager();
        MirrorsManager second = f.manager();

        first.reconcile(MIRROR);
        second.reconcile(f.db.getMirror(MIRROR).orElseThrow().spec().id());
        f.db.putStatus(new io.lakemirror.store.MirrorStatus(MIRROR, MirrorState.CREATING, "", PromoterFixture.T0),
                java.util.EnumSet.of(MirrorState.ACTIVE), false);
        second.reconcile(MIRROR);

        assertThat(f.db.getMirror(MIRROR).orElseThrow().state()).isEqualTo(MirrorState.ACTIVE);
        assertThat(f.mirror.calls(LakeFsOperation.CREATE_REPOSITORY)).isEqualTo(2);
    }

    @Test
    void reconcile_shouldFailTheMirror_whenAForeignRepositoryHasTheName() {
        f.mirror.createRepository(RepositoryCreation.of(MIRROR_REPO, StorageNamespace.of("s3://other/place")));

        f.manager().reconcile(MIRROR);

        var status = f.db.getMirror(MIRROR).orElseThrow().status().orElseThrow();
        assertThat(status.state()).isEqualTo(MirrorState.FAILED);
        assertThat(status.message()).contains("repository mirror-repo already exists in region eu-west-1");
    }

    @Test
    void reconcile_shouldAdoptItsOwnUnmarkedRepository_whenAnEarlierAttemptStoppedHalfway() {
        f.mirror.createRepository(RepositoryCreation.mirror(MIRROR_REPO, f.spec.storageNamespace(), f.spec.defaultBranch()));

        f.manager().reconcile(MIRROR);

        assertThat(f.db.getMirror(MIRROR).orElseThrow().state()).isEqualTo(MirrorState.ACTIVE);
        assertThat(f.mirror.getRepositoryMetadata(MIRROR_REPO)).containsEntry(MirrorsManager.OWNER_KEY, "m1");
    }

    @Test
    void reconcile_shouldFailTheMirrorWithTheReason_whenLakeFsCreatesTheRepositoryWritable() {
        f.mirror.setVersion("1.10.0");

        f.manager().reconcile(MIRROR);

        assertThat(f.mirror.getRepository(MIRROR_REPO).readOnly()).as("what lakeFS 1.10.0 does with a bare repository").isFalse();
        var status = f.db.getMirror(MIRROR).orElseThrow().status().orElseThrow();
        assertThat(status.state()).isEqualTo(MirrorState.FAILED);
        assertThat(status.message()).contains("mirror repository mirror-repo in region eu-west-1 is writable")
                .contains("lakeFS ignored read_only").contains("upgrade lakeFS to 1.11.0 or later");
        assertThat(f.mirror.getRepositoryMetadata(MIRROR_REPO)).as("marked as ours, so deleting the mirror removes it")
                .containsEntry(MirrorsManager.OWNER_KEY, "m1");
    }

    @Test
    void reconcile_shouldFailTheMirror_whenItsOwnRepositoryFromAnEarlierAttemptIsWritable() {
        f.mirror.createRepository(new RepositoryCreation(MIRROR_REPO, f.spec.storageNamespace(), f.spec.defaultBranch(),
                true, false));
        f.mirror.setRepositoryMetadata(MIRROR_REPO, java.util.Map.of(MirrorsManager.OWNER_KEY, "m1"));

        f.manager().reconcile(MIRROR);

        var status = f.db.getMirror(MIRROR).orElseThrow().status().orElseThrow();
        assertThat(status.state()).isEqualTo(MirrorState.FAILED);
        assertThat(status.message()).contains("is writable");
    }

    @Test
    void reconcile_shouldLeaveTheMirrorFailed_whenItWasCreatedWritable() {
        f.mirror.setVersion("1.10.0");
        f.manager().reconcile(MIRROR);
        f.mirror.setVersion(FakeLakeFs.CURRENT_VERSION);

        f.manager().reconcile(MIRROR);

        assertThat(f.db.getMirror(MIRROR).orElseThrow().state()).isEqualTo(MirrorState.FAILED);
        assertThat(f.mirror.calls(LakeFsOperation.CREATE_REPOSITORY)).as("FAILED is final: no new attempt").isEqualTo(1);
    }

    @Test
    void reconcile_shouldStayCreatingAndRetry_whenLakeFsFailsTransiently() {
        f.mirror.failOnce(LakeFsOperation.CREATE_REPOSITORY, MIRROR_REPO, FakeLakeFs.serverError("createRepository"));

        assertThatThrownBy(() -> f.manager().reconcile(MIRROR)).isInstanceOf(RetryableException.class);
        var status = f.db.getMirror(MIRROR).orElseThrow().status().orElseThrow();
        assertThat(status.state()).isEqualTo(MirrorState.CREATING);
        assertThat(status.message()).contains("retrying");

        f.manager().reconcile(MIRROR);
        assertThat(f.db.getMirror(MIRROR).orElseThrow().state()).isEqualTo(MirrorState.ACTIVE);
    }

    @Test
    void reconcile_shouldStayCreatingAndRetry_whenLakeFsStillAnswersForADeletedNamesakeFromItsCache() {
        // lakeFS's repository cache: create answers 409 for a name deleted moments ago, which its KV no longer has.
        f.mirror.failOnce(LakeFsOperation.CREATE_REPOSITORY, MIRROR_REPO,
                () -> new AlreadyExistsException("error creating repository: not unique"));

        assertThatThrownBy(() -> f.manager().reconcile(MIRROR)).isInstanceOf(RetryableException.class)
                .hasMessageContaining("retrying the creation");
        var status = f.db.getMirror(MIRROR).orElseThrow().status().orElseThrow();
        assertThat(status.state()).as("not FAILED: the name is free once the cache entry expires")
                .isEqualTo(MirrorState.CREATING);
        assertThat(status.message()).contains("deleted moments ago");

        f.manager().reconcile(MIRROR);
        assertThat(f.db.getMirror(MIRROR).orElseThrow().state()).isEqualTo(MirrorState.ACTIVE);
    }

    @Test
    void reconcile_shouldDeleteTheRepositoryAndEveryItem_whenDeletionWasRequested() {
        f.active();
        f.sourceCommit(PromoterFixture.MAIN, "one");
        f.db.requestDeletion(MIRROR, PromoterFixture.T0);

        f.manager().reconcile(MIRROR);

        assertThat(f.mirror.listRepositories(io.lakemirror.lakefs.PageRequest.largest()).results()).isEmpty();
        assertThat(f.db.getMirror(MIRROR)).isEmpty();
        assertThat(f.refstore.getCommits(MIRROR, f.source.commitIds(PromoterFixture.SOURCE_REPO))).isEmpty();
    }

    @Test
    void reconcile_shouldNeverDeleteAForeignRepository() {
        f.mirror.createRepository(RepositoryCreation.of(MIRROR_REPO, StorageNamespace.of("s3://other/place")));
        f.manager().reconcile(MIRROR);
        f.db.requestDeletion(MIRROR, PromoterFixture.T0);

        f.manager().reconcile(MIRROR);

        assertThat(f.mirror.getRepository(MIRROR_REPO).storageNamespace()).isEqualTo("s3://other/place");
        assertThat(f.db.getMirror(MIRROR)).isEmpty();
    }

    @Test
    void reconcile_shouldIgnoreMirrorsOfOtherRegions() {
        MirrorsManager elsewhere = new MirrorsManager(PromoterFixture.SOURCE, f.db, f.refstore, f.mirror, f.clock);

        elsewhere.reconcile(MIRROR);

        assertThat(f.db.getMirror(MIRROR).orElseThrow().status()).isEqualTo(Optional.empty());
        assertThat(f.mirror.totalCalls()).isZero();
    }
}
