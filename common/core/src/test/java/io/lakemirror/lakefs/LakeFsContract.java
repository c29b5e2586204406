package io.lakemirror.lakefs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakemirror.domain.AlreadyExistsException;
import io.lakemirror.domain.AuthenticationException;
import io.lakemirror.domain.AuthorizationException;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.InvalidInputException;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.domain.ReadOnlyRepositoryException;
import io.lakemirror.domain.Ref;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.domain.TagId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * What every {@link LakeFs} must do, error paths included. An implementation's test extends this
 * and supplies a lakeFS (real, or the project's test server) and a few set-up actions the port does
 * not offer (writing objects and committing them).
 */
public abstract class LakeFsContract {
    private static final AtomicInteger NAMES = new AtomicInteger();
    protected static final BranchId MAIN = BranchId.of("main");

    /** The port under test, authenticated as a user allowed everything. */
    protected abstract LakeFs lakeFs();

    /** The port under test with other credentials. */
    protected abstract LakeFs lakeFsAs(String accessKeyId, String secretAccessKey);

    /** A storage namespace no repository uses yet. */
    protected abstract StorageNamespace newNamespace();

    /** Uploads {@code files} (path → content) to the branch and commits them; returns the commit. */
    protected abstract CommitId commit(RepositoryId repository, BranchId branch, Map<String, String> files,
                                       String message);

    /** Uploads one file to the branch without committing it. */
    protected abstract void stage(RepositoryId repository, BranchId branch, String path, String content);

    protected static RepositoryId newRepositoryId(String kind) {
        return RepositoryId.of(kind + "-" + NAMES.incrementAndGet() + "-" + ProcessHandle.current().pid());
    }

    protected Repository newRepository() {
        return lakeFs().createRepository(RepositoryCreation.of(newRepositoryId("repo"), newNamespace()));
    }

    protected Repository newMirror() {
        return lakeFs().createRepository(RepositoryCreation.mirror(newRepositoryId("mirror"), newNamespace(), MAIN));
    }

    // ---- repositories

    @Test
    void createRepository_shouldCreateInitialCommitOnDefaultBranch_whenNotBare() {
        RepositoryId id = newRepositoryId("plain");
        StorageNamespace ns = newNamespace();

        Repository repo = lakeFs().createRepository(RepositoryCreation.of(id, ns));

        assertThat(repo.id()).isEqualTo(id);
        assertThat(repo.storageNamespace()).isEqualTo(ns.value());
        assertThat(repo.s3StorageNamespace()).contains(ns);
        assertThat(repo.readOnly()).isFalse();
        Branch main = lakeFs().getBranch(id, MAIN);
        CommitRecord initial = lakeFs().getCommit(id, main.commitId().asRef());
        assertThat(initial.message()).isEqualTo("Repository created");
        assertThat(initial.committer()).isEmpty();
        assertThat(initial.metaRangeId()).isEmpty();
        assertThat(initial.parents()).isEmpty();
        assertThat(initial.generation()).isEqualTo(1);
        assertThat(initial.version()).isEqualTo(1);
    }

    @Test
    void createRepository_shouldCreateNoBranch_whenBare() {
        Repository mirror = newMirror();

        assertThat(lakeFs().getRepository(mirror.id()).readOnly()).isTrue();
        assertThat(lakeFs().listBranches(mirror.id(), PageRequest.largest(), true).results()).isEmpty();
    }

    @Test
    void createRepository_shouldFailAlreadyExists_whenNameIsTaken() {
        Repository repo = newRepository();

        assertThatThrownBy(() -> lakeFs().createRepository(RepositoryCreation.of(repo.id(), newNamespace())))
                .isInstanceOf(AlreadyExistsException.class)
                .hasMessageContaining("createRepository")
                .hasMessageContaining(repo.id().value());
    }

    @Test
    void getRepository_shouldFailNotFound_whenRepositoryDoesNotExist() {
        RepositoryId missing = newRepositoryId("missing");

        assertThatThrownBy(() -> lakeFs().getRepository(missing))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("getRepository")
                .hasMessageContaining(missing.value())
                .hasMessageContaining("404");
    }

    @Test
    void listRepositories_shouldPageInNameOrder() {
        String prefix = "list-" + NAMES.incrementAndGet() + "-";
        List<RepositoryId> created = IntStream.range(0, 5)
                .mapToObj(i -> lakeFs().createRepository(RepositoryCreation.of(RepositoryId.of(prefix + i),
                        newNamespace()).withBare(true)).id())
                .toList();

        List<RepositoryId> seen = new ArrayList<>();
        PageRequest request = PageRequest.first(2).withPrefix(prefix);
        Page<Repository> page;
        int pages = 0;
        do {
            page = lakeFs().listRepositories(request);
            page.results().forEach(r -> seen.add(r.id()));
            request = request.next(page);
            pages++;
        } while (page.hasMore());

        assertThat(seen).containsExactlyElementsOf(created);
        assertThat(pages).isEqualTo(3);
        assertThat(page.nextOffset()).isEmpty();
    }

    @Test
    void deleteRepository_shouldNeedForce_whenRepositoryIsReadOnly() {
        Repository mirror = newMirror();

        assertThatThrownBy(() -> lakeFs().deleteRepository(mirror.id(), false))
                .isInstanceOf(ReadOnlyRepositoryException.class)
                .hasMessageContaining("read-only repository");
        lakeFs().deleteRepository(mirror.id(), true);
        assertThatThrownBy(() -> lakeFs().getRepository(mirror.id())).isInstanceOf(NotFoundException.class);
    }

    @Test
    void setRepositoryMetadata_shouldAddKeys_evenWhenRepositoryIsReadOnly() {
        Repository mirror = newMirror();

        lakeFs().setRepositoryMetadata(mirror.id(), Map.of("a", "1", "b", "2"));
        lakeFs().setRepositoryMetadata(mirror.id(), Map.of("b", "3"));

        assertThat(lakeFs().getRepositoryMetadata(mirror.id())).isEqualTo(Map.of("a", "1", "b", "3"));
    }

    // ---- branches

    @Test
    void createBranch_shouldPointAtSourceCommit() {
        Repository repo = newRepository();
        CommitId head = commit(repo.id(), MAIN, Map.of("a.txt", "a"), "add a");

        CommitId created = lakeFs().createBranch(repo.id(), BranchId.of("feature"), MAIN.asRef(), false);

        assertThat(created).isEqualTo(head);
        assertThat(lakeFs().getBranch(repo.id(), BranchId.of("feature"))).isEqualTo(new Branch(BranchId.of("feature"), head));
    }

    @Test
    void createBranch_shouldFailAlreadyExists_whenBranchExists() {
        Repository repo = newRepository();

        assertThatThrownBy(() -> lakeFs().createBranch(repo.id(), MAIN, MAIN.asRef(), false))
                .isInstanceOf(AlreadyExistsException.class)
                .hasMessageContaining("branch main");
    }

    @Test
    void createBranch_shouldFailNotFound_whenSourceDoesNotResolve() {
        Repository repo = newRepository();

        assertThatThrownBy(() -> lakeFs().createBranch(repo.id(), BranchId.of("x"), Ref.of("no-such-ref"), false))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void createBranch_shouldNeedForce_whenRepositoryIsReadOnly() {
        Repository source = newRepository();
        CommitId head = commit(source.id(), MAIN, Map.of("f", "1"), "one");
        Repository mirror = newMirror();
        copyLog(source.id(), head, mirror.id());

        assertThatThrownBy(() -> lakeFs().createBranch(mirror.id(), MAIN, head.asRef(), false))
                .isInstanceOf(ReadOnlyRepositoryException.class);
        assertThat(lakeFs().createBranch(mirror.id(), MAIN, head.asRef(), true)).isEqualTo(head);
    }

    @Test
    void listBranches_shouldPageThroughThousands_whenRepositoryHasMany() throws Exception {
        Repository repo = newRepository();
        CommitId head = lakeFs().getBranch(repo.id(), MAIN).commitId();
        int count = 2500;
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<Future<CommitId>> created = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                BranchId branch = BranchId.of(String.format("b%05d", i));
                created.add(callers.submit(() -> lakeFs().createBranch(repo.id(), branch, head.asRef(), false)));
            }
            for (Future<CommitId> f : created) {
                assertThat(f.get()).isEqualTo(head);
            }
        } finally {
            callers.shutdownNow();
        }

        List<Page<Branch>> pages = new ArrayList<>();
        PageRequest request = PageRequest.largest();
        do {
            pages.add(lakeFs().listBranches(repo.id(), request, false));
            request = request.next(pages.get(pages.size() - 1));
        } while (pages.get(pages.size() - 1).hasMore());

        assertThat(pages).extracting(p -> p.results().size()).containsExactly(1000, 1000, 501);
        assertThat(pages.get(0).nextOffset()).isEqualTo("b00999");
        assertThat(pages.get(2).nextOffset()).isEmpty();
        List<String> names = pages.stream().flatMap(p -> p.results().stream()).map(b -> b.id().value()).toList();
        assertThat(names).doesNotHaveDuplicates().isSorted().hasSize(count + 1).contains("main");
        assertThat(Page.all(after -> lakeFs().listBranches(repo.id(), PageRequest.largest().after(after), false)))
                .hasSize(count + 1);
    }

    @Test
    void getBranch_shouldFailNotFound_whenBranchDoesNotExist() {
        Repository repo = newRepository();

        assertThatThrownBy(() -> lakeFs().getBranch(repo.id(), BranchId.of("nope")))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("branch nope");
    }

    @Test
    void deleteBranch_shouldRemoveBranch_andRefuseTheDefaultBranch() {
        Repository repo = newRepository();
        lakeFs().createBranch(repo.id(), BranchId.of("gone"), MAIN.asRef(), false);

        lakeFs().deleteBranch(repo.id(), BranchId.of("gone"), false);

        assertThatThrownBy(() -> lakeFs().getBranch(repo.id(), BranchId.of("gone"))).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> lakeFs().deleteBranch(repo.id(), MAIN, false)).isInstanceOf(AuthorizationException.class);
    }

    @Test
    void hardResetBranch_shouldMoveBranch_andNeedForceOnReadOnly() {
        Repository source = newRepository();
        CommitId first = commit(source.id(), MAIN, Map.of("f", "1"), "one");
        CommitId second = commit(source.id(), MAIN, Map.of("f", "2"), "two");
        Repository mirror = newMirror();
        copyLog(source.id(), second, mirror.id());
        lakeFs().createBranch(mirror.id(), MAIN, first.asRef(), true);

        assertThatThrownBy(() -> lakeFs().hardResetBranch(mirror.id(), MAIN, second.asRef(), false))
                .isInstanceOf(ReadOnlyRepositoryException.class);
        lakeFs().hardResetBranch(mirror.id(), MAIN, second.asRef(), true);

        assertThat(lakeFs().getBranch(mirror.id(), MAIN).commitId()).isEqualTo(second);
    }

    @Test
    void hardResetBranch_shouldFailInvalidInput_whenBranchHasUncommittedChanges() {
        Repository repo = newRepository();
        CommitId first = commit(repo.id(), MAIN, Map.of("f", "1"), "one");
        commit(repo.id(), MAIN, Map.of("f", "2"), "two");
        stage(repo.id(), MAIN, "dirty", "x");

        assertThatThrownBy(() -> lakeFs().hardResetBranch(repo.id(), MAIN, first.asRef(), true))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("dirty");
    }

    // ---- commits

    @Test
    void logCommits_shouldListNewestFirst_acrossPages() {
        Repository repo = newRepository();
        List<CommitId> made = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            made.add(commit(repo.id(), MAIN, Map.of("f", String.valueOf(i)), "commit " + i));
        }

        List<CommitRecord> log = new ArrayList<>();
        LogRequest request = LogRequest.first(2);
        Page<CommitRecord> page;
        do {
            page = lakeFs().logCommits(repo.id(), MAIN.asRef(), request);
            log.addAll(page.results());
            if (page.hasMore()) {
                request = request.next(page);
            }
        } while (page.hasMore());

        assertThat(log).hasSize(6);
        assertThat(log.subList(0, 5)).extracting(CommitRecord::id).containsExactlyElementsOf(reversed(made));
        assertThat(log).isSortedAccordingTo(Comparator.comparing(CommitRecord::creationDate).reversed());
        assertThat(log.get(0).generation()).isEqualTo(6);
        assertThat(log.get(0).parents()).containsExactly(made.get(3));
    }

    @Test
    void logCommits_shouldStopAtTheGivenCommit_inclusive() {
        Repository repo = newRepository();
        CommitId a = commit(repo.id(), MAIN, Map.of("f", "a"), "a");
        commit(repo.id(), MAIN, Map.of("f", "b"), "b");
        CommitId c = commit(repo.id(), MAIN, Map.of("f", "c"), "c");

        Page<CommitRecord> page = lakeFs().logCommits(repo.id(), c.asRef(), LogRequest.first(100).stopAt(a.asRef()));

        assertThat(page.results()).hasSize(3).last().extracting(CommitRecord::id).isEqualTo(a);
        assertThat(page.hasMore()).isFalse();
    }

    @Test
    void logCommits_shouldReportNoMorePages_whenLimited() {
        Repository repo = newRepository();
        commit(repo.id(), MAIN, Map.of("f", "a"), "a");
        commit(repo.id(), MAIN, Map.of("f", "b"), "b");

        Page<CommitRecord> page = lakeFs().logCommits(repo.id(), MAIN.asRef(), LogRequest.first(1).limit(true));

        assertThat(page.results()).hasSize(1);
        assertThat(page.hasMore()).isFalse();
        assertThat(page.nextOffset()).isEmpty();
    }

    @Test
    void getCommit_shouldResolveCommitIdsBranchesAndTags() {
        Repository repo = newRepository();
        CommitId head = commit(repo.id(), MAIN, Map.of("f", "1"), "one");
        lakeFs().createTag(repo.id(), TagId.of("v1"), head.asRef(), false);

        CommitRecord byId = lakeFs().getCommit(repo.id(), head.asRef());

        assertThat(lakeFs().getCommit(repo.id(), MAIN.asRef())).isEqualTo(byId);
        assertThat(lakeFs().getCommit(repo.id(), Ref.of("v1"))).isEqualTo(byId);
        assertThat(byId.message()).isEqualTo("one");
        assertThat(byId.metaRangeId()).isPresent();
        assertThatThrownBy(() -> lakeFs().getCommit(repo.id(), CommitId.of("0".repeat(64)).asRef()))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void createCommitRecord_shouldReproduceTheSourceLog_inABareReadOnlyRepository() {
        Repository source = newRepository();
        commit(source.id(), MAIN, Map.of("a", "1"), "one");
        lakeFs().createBranch(source.id(), BranchId.of("side"), MAIN.asRef(), false);
        commit(source.id(), BranchId.of("side"), Map.of("b", "2"), "two");
        CommitId head = commit(source.id(), MAIN, Map.of("c", "3"), "three");
        Repository mirror = newMirror();

        copyLog(source.id(), head, mirror.id());
        lakeFs().createBranch(mirror.id(), MAIN, head.asRef(), true);

        assertThat(lakeFs().logCommits(mirror.id(), MAIN.asRef(), LogRequest.first(100)).results())
                .isEqualTo(lakeFs().logCommits(source.id(), MAIN.asRef(), LogRequest.first(100)).results());
    }

    @Test
    void createCommitRecord_shouldFailInvalidInput_whenIdDoesNotMatchFields() {
        Repository source = newRepository();
        CommitRecord c = lakeFs().getCommit(source.id(), commit(source.id(), MAIN, Map.of("a", "1"), "one").asRef());
        CommitRecord tampered = new CommitRecord(c.id(), c.parents(), c.committer(), c.message() + "!",
                c.metaRangeId(), c.creationDate(), c.metadata(), c.generation(), c.version());
        Repository mirror = newMirror();

        assertThatThrownBy(() -> lakeFs().createCommitRecord(mirror.id(), tampered, true))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("commit id: invalid value: validation error")
                .hasMessageContaining(c.id().value());
    }

    @Test
    void createCommitRecord_shouldFailAlreadyExists_whenCommitIsPresent() {
        Repository source = newRepository();
        CommitRecord c = lakeFs().getCommit(source.id(), commit(source.id(), MAIN, Map.of("a", "1"), "one").asRef());

        assertThatThrownBy(() -> lakeFs().createCommitRecord(source.id(), c, false))
                .isInstanceOf(AlreadyExistsException.class)
                .hasMessageContaining("commit already exists");
    }

    @Test
    void createCommitRecord_shouldNeedForce_whenRepositoryIsReadOnly() {
        Repository source = newRepository();
        CommitRecord c = lakeFs().getCommit(source.id(), commit(source.id(), MAIN, Map.of("a", "1"), "one").asRef());
        Repository mirror = newMirror();

        assertThatThrownBy(() -> lakeFs().createCommitRecord(mirror.id(), c, false))
                .isInstanceOf(ReadOnlyRepositoryException.class);
    }

    // ---- tags

    @Test
    void tags_shouldBeCreatedListedReadAndDeleted() {
        Repository repo = newRepository();
        CommitId head = commit(repo.id(), MAIN, Map.of("a", "1"), "one");

        Tag v1 = lakeFs().createTag(repo.id(), TagId.of("v1"), MAIN.asRef(), false);
        lakeFs().createTag(repo.id(), TagId.of("v2"), head.asRef(), false);

        assertThat(v1).isEqualTo(new Tag(TagId.of("v1"), head));
        assertThat(lakeFs().getTag(repo.id(), TagId.of("v2")).commitId()).isEqualTo(head);
        assertThat(lakeFs().listTags(repo.id(), PageRequest.first(1)).results()).containsExactly(v1);
        assertThatThrownBy(() -> lakeFs().createTag(repo.id(), TagId.of("v1"), head.asRef(), false))
                .isInstanceOf(AlreadyExistsException.class);
        lakeFs().deleteTag(repo.id(), TagId.of("v1"), false);
        assertThatThrownBy(() -> lakeFs().getTag(repo.id(), TagId.of("v1"))).isInstanceOf(NotFoundException.class);
    }

    // ---- auth

    @Test
    void currentUser_shouldBeTheOwnerOfTheCredentials() {
        Optional<User> user = lakeFs().currentUser();

        assertThat(user).isPresent();
    }

    @Test
    void anyCall_shouldFailAuthentication_whenSecretIsWrong() {
        LakeFs stranger = lakeFsAs("AKIAIOSFODNN7EXAMPLE", "wrong-secret");

        assertThatThrownBy(() -> stranger.listRepositories(PageRequest.first(1)))
                .isInstanceOf(AuthenticationException.class)
                .hasMessageContaining("401")
                .hasMessageContaining("error authenticating request");
    }

    // ---- installation

    @Test
    void version_shouldNameARelease_notOlderThanTheServiceNeeds() {
        String version = lakeFs().version();

        assertThat(LakeFsVersion.parse(version)).as(version)
                .hasValueSatisfying(v -> assertThat(v.isAtLeast(LakeFsVersion.MINIMUM)).as(version).isTrue());
    }

    @Test
    void version_shouldFailAuthentication_whenSecretIsWrong() {
        LakeFs stranger = lakeFsAs("AKIAIOSFODNN7EXAMPLE", "wrong-secret");

        assertThatThrownBy(stranger::version).isInstanceOf(AuthenticationException.class).hasMessageContaining("401");
    }

    /**
     * Copies every commit reachable from {@code head} into {@code mirror}, oldest first in log order
     * (lakeFS does not check that parents exist, so ties within one second need no sorting).
     */
    protected void copyLog(RepositoryId source, CommitId head, RepositoryId mirror) {
        List<CommitRecord> log = Page.all(after -> lakeFs().logCommits(source, head.asRef(),
                after.isEmpty() ? LogRequest.first(1000) : LogRequest.first(1000).after(CommitId.of(after)))).toList();
        for (CommitRecord c : reversed(log)) {
            lakeFs().createCommitRecord(mirror, c, true);
        }
    }

    private static <T> List<T> reversed(List<T> list) {
        List<T> out = new ArrayList<>(list);
        Collections.reverse(out);
        return out;
    }
}
