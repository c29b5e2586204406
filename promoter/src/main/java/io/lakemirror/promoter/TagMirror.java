package io.lakemirror.promoter;

import io.lakemirror.blockstore.CommitFiles;
import io.lakemirror.domain.AlreadyExistsException;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.CorruptDataException;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.TagId;
import io.lakemirror.identity.CommitIds;
import io.lakemirror.lakefs.LakeFs;
import io.lakemirror.lakefs.Page;
import io.lakemirror.lakefs.PageRequest;
import io.lakemirror.lakefs.Tag;
import io.lakemirror.store.MirrorSpec;
import io.lakemirror.store.MirrorStatus;
import io.lakemirror.store.Refstore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mirrors the tags of a source repository onto its mirror, under the rule of a branch head
 * (invariants I1, I2 and I5): a mirror tag is created only at the commit the source tag names, and
 * only once that commit's metarange and every range it lists are in the mirror's namespace
 * ({@link CommitFiles}, the validator's check). The commit and its missing ancestors are copied
 * first with their own IDs ({@link MissingCommits}, hash-checked). A tag the source moved (deleted and
 * created again elsewhere) is deleted on the mirror and created at its new commit once that commit
 * is complete; a tag the source lacks is deleted.
 *
 * <p>Why any interleaving is safe, with no lease: every tag this pass creates names a commit that the
 * source tag named when the pass listed it, and whose files it found; files are content-addressed and
 * never change. Two passes at once (two promoter processes), a source tag moved or deleted during a
 * pass, or a write lakeFS applies after its call timed out can therefore leave the mirror tag at an
 * older commit of the source tag, or absent, or (a late create after the source deleted it) present
 * for one more pass; never at an incomplete commit or one the source tag never had. The next pass
 * compares again and converges. A create that finds the tag already there (409) leaves it to the
 * next pass rather than forcing it, so two passes never fight.
 */
public final class TagMirror {
    private static final Logger LOG = LoggerFactory.getLogger(TagMirror.class);
    /** Verified metaranges remembered per commit, so a tag waiting for its files costs no lakeFS read per pass. */
    private static final int REMEMBERED_COMMITS = 1_000;

    private final LakeFs mirrors;
    private final Function<Region, LakeFs> sourceLakeFs;
    private final CommitFiles files;
    private final MissingCommits missingCommits;
    private final Map<CommitId, CommitRecord> verified = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<CommitId, CommitRecord> eldest) {
            return size() > REMEMBERED_COMMITS;
        }
    };

    /**
     * @param mirrors      this (destination) region's lakeFS
     * @param sourceLakeFs the lakeFS of a source region
     * @param files        the check of a commit's files in the mirror's bucket
     */
    public TagMirror(Refstore refstore, LakeFs mirrors, Function<Region, LakeFs> sourceLakeFs, CommitFiles files) {
        this.mirrors = Objects.requireNonNull(mirrors, "mirrors");
        this.sourceLakeFs = Objects.requireNonNull(sourceLakeFs, "sourceLakeFs");
        this.files = Objects.requireNonNull(files, "files");
        this.missingCommits = new MissingCommits(Objects.requireNonNull(refstore, "refstore"));
    }

    /**
     * What one pass did.
     *
     * @param waiting the source tags that wait for files of their commit, in tag order
     */
    public record Pass(int created, int moved, int deleted, int inSync, List<MirrorStatus.TagWaiting> waiting) {
        public Pass {
            waiting = List.copyOf(waiting);
        }
    }

    /** Brings the mirror's tags to the source's, as far as the files in the mirror's bucket allow. */
    public Pass sync(MirrorSpec spec) {
        LakeFs source = sourceLakeFs.apply(spec.sourceRegion());
        // Both listings are complete before anything is deleted: a failed page fails the pass.
        Map<TagId, CommitId> sourceTags = tags(source, spec.sourceRepository());
        Map<TagId, CommitId> mirrorTags = tags(mirrors, spec.name());
        MissingCommits.Clients clients = new MissingCommits.Clients() {
            @Override
            public LakeFs mirror() {
                return mirrors;
            }

            @Override
            public LakeFs source() {
                return source;
            }
        };
        int created = 0;
        int moved = 0;
        int deleted = 0;
        int inSync = 0;
        List<MirrorStatus.TagWaiting> waiting = new ArrayList<>();
        for (Map.Entry<TagId, CommitId> tag : sourceTags.entrySet()) {
            CommitId want = tag.getValue();
            CommitId have = mirrorTags.get(tag.getKey());
            if (want.equals(have)) {
                inSync++;
                continue;
            }
            CommitRecord commit = record(spec, source, want);
            CommitFiles.Presence presence = files.check(spec.storageNamespace(), commit.metaRangeId());
            if (!presence.complete()) {
                LOG.trace("mirror {}: tag {} waits for {} file(s) of commit {} (for example {})", spec.id(),
                        tag.getKey(), presence.missingCount(), want, presence.firstMissing());
                waiting.add(new MirrorStatus.TagWaiting(tag.getKey(), want, presence.missingCount(),
                        presence.firstMissing()));
                continue;
            }
            missingCommits.copy(spec, want, clients);
            if (have != null) {
                deleteTag(spec, tag.getKey());
            }
            try {
                mirrors.createTag(spec.name(), tag.getKey(), want.asRef(), true);
                if (have == null) {
                    created++;
                } else {
                    moved++;
                }
                LOG.trace("mirror {}: tag {} created at {}{}", spec.id(), tag.getKey(), want,
                        have == null ? "" : " (was at " + have + ")");
            } catch (AlreadyExistsException e) {
                LOG.trace("mirror {}: tag {} was created meanwhile (another pass); the next pass compares it again",
                        spec.id(), tag.getKey());
            }
        }
        for (TagId tag : mirrorTags.keySet()) {
            if (!sourceTags.containsKey(tag)) {
                deleteTag(spec, tag);
                deleted++;
                LOG.trace("mirror {}: tag {} deleted, the source has none", spec.id(), tag);
            }
        }
        if (created + moved + deleted > 0) {
            LOG.info("mirrored the tags of {}: {} created, {} moved, {} deleted, {} waiting for files, {} in sync",
                    spec.describe(), created, moved, deleted, waiting.size(), inSync);
        }
        return new Pass(created, moved, deleted, inSync, waiting);
    }

    private void deleteTag(MirrorSpec spec, TagId tag) {
        try {
            mirrors.deleteTag(spec.name(), tag, true);
        } catch (NotFoundException e) {
            LOG.trace("mirror {}: tag {} was already gone", spec.id(), tag);
        }
    }

    private static Map<TagId, CommitId> tags(LakeFs lakeFs, RepositoryId repository) {
        return Page.all(after -> lakeFs.listTags(repository, PageRequest.largest().after(after)))
                .collect(Collectors.toMap(Tag::id, Tag::commitId, (a, b) -> a, TreeMap::new));
    }

    /** The record of {@code commit}, from the mirror when it has it, otherwise from the source; hash-checked. */
    private CommitRecord record(MirrorSpec spec, LakeFs source, CommitId commit) {
        synchronized (verified) {
            CommitRecord known = verified.get(commit);
            if (known != null) {
                return known;
            }
        }
        CommitRecord record;
        try {
            record = mirrors.getCommit(spec.name(), commit.asRef());
        } catch (NotFoundException e) {
            record = source.getCommit(spec.sourceRepository(), commit.asRef());
        }
        if (!record.id().equals(commit) || !CommitIds.of(record).equals(commit)) {
            throw new CorruptDataException("commit " + commit + " of the tags of " + spec.describe() + " hashes to "
                    + CommitIds.of(record) + "; its tags are not mirrored this pass; retrying on the next");
        }
        synchronized (verified) {
            verified.put(commit, record);
        }
        return record;
    }
}
