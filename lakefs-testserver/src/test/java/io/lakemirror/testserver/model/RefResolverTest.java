package io.lakemirror.testserver.model;

import static io.lakemirror.testserver.model.History.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RefResolverTest {
    private final History h = new History()
            .commit("a1", 1)
            .commit("b2", 2, "a1")
            .commit("c3", 3, "b2")
            .commit("d4", 4, "b2")
            .commit("e5", 5, "d4", "c3")
            .branch("main", "e5")
            .branch("dev", "c3")
            .tag("v1", "b2");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "main, e5, true",
        "main@, e5, false",
        "main$, e5, true",
        "dev, c3, true",
        "v1, b2, false",
        "e500000000000000000000000000000000000000000000000000000000000000, e5, false",
        "d40000, d4, false",
        "main~1, d4, false",
        "main~, d4, false",
        "main~2, b2, false",
        "main^2, c3, false",
        "main^1, d4, false",
        "main^2~1, b2, false",
        "v1~1, a1, false",
    })
    void resolve_shouldFollowLakeFsRefSyntax(String ref, String commit, boolean withStaging) {
        ResolvedRef resolved = RefResolver.resolve(h.repo, ref);

        assertThat(resolved.commit()).isEqualTo(id(commit));
        assertThat(resolved.branch().isPresent()).isEqualTo(withStaging);
    }

    @ParameterizedTest
    @CsvSource({"nope, NOT_FOUND", "main~9, NOT_FOUND", "main^3, NOT_FOUND", "'a b', BAD_REQUEST", "main~x, BAD_REQUEST"})
    void resolve_shouldFail_whenRefDoesNotResolve(String ref, LakeFsError.Kind kind) {
        assertThatThrownBy(() -> RefResolver.resolve(h.repo, ref))
                .isInstanceOfSatisfying(LakeFsError.class, e -> assertThat(e.kind()).isEqualTo(kind));
    }

    @ParameterizedTest
    @CsvSource({"b2000000, b2", "a10000, a1"})
    void resolve_shouldFindACommitByUniquePrefix(String prefix, String commit) {
        assertThat(RefResolver.resolve(h.repo, prefix).commit()).isEqualTo(id(commit));
    }
}
