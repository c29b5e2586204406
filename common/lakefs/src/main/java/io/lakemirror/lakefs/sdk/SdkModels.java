package io.lakemirror.lakefs.sdk;

import io.lakefs.clients.sdk.model.Commit;
import io.lakefs.clients.sdk.model.CommitRecordCreation;
import io.lakefs.clients.sdk.model.Pagination;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.MetaRangeId;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.TagId;
import io.lakemirror.lakefs.Branch;
import io.lakemirror.lakefs.Page;
import io.lakemirror.lakefs.Policy;
import io.lakemirror.lakefs.Repository;
import io.lakemirror.lakefs.Statement;
import io.lakemirror.lakefs.Tag;
import io.lakemirror.lakefs.User;
import io.lakemirror.lakefs.UserId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** Conversions between the SDK's models and the port's records; the only place that knows both. */
final class SdkModels {
    private SdkModels() {
    }

    static <S, T> Page<T> page(Pagination pagination, List<S> results, Function<S, T> convert) {
        List<T> converted = new ArrayList<>(results.size());
        for (S s : results) {
            converted.add(convert.apply(s));
        }
        boolean hasMore = Boolean.TRUE.equals(pagination.getHasMore());
        String next = pagination.getNextOffset() == null ? "" : pagination.getNextOffset();
        return new Page<>(converted, hasMore, hasMore ? next : "");
    }

    static Repository repository(io.lakefs.clients.sdk.model.Repository r) {
        return new Repository(RepositoryId.of(r.getId()), r.getStorageNamespace(), BranchId.of(r.getDefaultBranch()),
                Instant.ofEpochSecond(r.getCreationDate()), Boolean.TRUE.equals(r.getReadOnly()));
    }

    static Branch branch(io.lakefs.clients.sdk.model.Ref ref) {
        return new Branch(BranchId.of(ref.getId()), CommitId.of(ref.getCommitId()));
    }

    static Tag tag(io.lakefs.clients.sdk.model.Ref ref) {
        return new Tag(TagId.of(ref.getId()), CommitId.of(ref.getCommitId()));
    }

    static CommitRecord commit(Commit c) {
        List<CommitId> parents = c.getParents().stream().map(CommitId::of).toList();
        String metaRange = c.getMetaRangeId();
        return new CommitRecord(CommitId.of(c.getId()), parents, c.getCommitter(), c.getMessage(),
                metaRange == null || metaRange.isEmpty() ? Optional.empty() : Optional.of(MetaRangeId.of(metaRange)),
                Instant.ofEpochSecond(c.getCreationDate()),
                c.getMetadata() == null ? Map.of() : c.getMetadata(),
                c.getGeneration() == null ? 0 : c.getGeneration(),
                c.getVersion() == null ? 0 : c.getVersion());
    }

    static CommitRecordCreation commitRecordCreation(CommitRecord c, boolean force) {
        return new CommitRecordCreation()
                .commitId(c.id().value())
                .version(c.version())
                .committer(c.committer())
                .message(c.message())
                .metarangeId(c.metaRangeId().map(MetaRangeId::value).orElse(""))
                .creationDate(c.creationDate().getEpochSecond())
                .parents(c.parents().stream().map(CommitId::value).toList())
                // Always a map: lakeFS dereferences it without a nil check.
                .metadata(new LinkedHashMap<>(c.metadata()))
                .generation(c.generation())
                .force(force);
    }

    static Optional<User> user(io.lakefs.clients.sdk.model.User u) {
        if (u == null || u.getId() == null || u.getId().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new User(UserId.of(u.getId()), Instant.ofEpochSecond(u.getCreationDate()),
                Optional.ofNullable(u.getFriendlyName()), Optional.ofNullable(u.getEmail())));
    }

    static Policy policy(io.lakefs.clients.sdk.model.Policy p) {
        List<Statement> statements = p.getStatement().stream().map(SdkModels::statement).toList();
        return new Policy(p.getId(), Optional.ofNullable(p.getCreationDate()).map(Instant::ofEpochSecond), statements);
    }

    private static Statement statement(io.lakefs.clients.sdk.model.Statement s) {
        return new Statement(Statement.Effect.fromWire(s.getEffect().getValue()), s.getAction(), s.getResource(),
                conditions(s.getAdditionalProperty("condition")));
    }

    /** SDK 1.53.1 predates {@code Statement.condition}; newer servers send it as an unknown field. */
    private static Map<String, Map<String, List<String>>> conditions(Object raw) {
        Map<String, Map<String, List<String>>> out = new LinkedHashMap<>();
        if (raw instanceof Map<?, ?> operators) {
            operators.forEach((op, fields) -> {
                Map<String, List<String>> f = new LinkedHashMap<>();
                if (fields instanceof Map<?, ?> m) {
                    m.forEach((field, values) -> f.put(String.valueOf(field), values instanceof List<?> l
                            ? l.stream().map(String::valueOf).toList()
                            : List.of(String.valueOf(values))));
                }
                out.put(String.valueOf(op), f);
            });
        }
        return out;
    }
}
