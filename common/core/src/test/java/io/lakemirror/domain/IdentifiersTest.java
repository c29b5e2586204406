package io.lakemirror.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.function.Function;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class IdentifiersTest {
    private static final String HEX64 = "a".repeat(64);

    static Stream<Arguments> valid() {
        return Stream.of(
                Arguments.of("repository", (Function<String, Object>) RepositoryId::of, "abc"),
                Arguments.of("repository", (Function<String, Object>) RepositoryId::of, "my-repo-1"),
                Arguments.of("repository", (Function<String, Object>) RepositoryId::of, "a" + "b".repeat(62)),
                Arguments.of("branch", (Function<String, Object>) BranchId::of, "main"),
                Arguments.of("branch", (Function<String, Object>) BranchId::of, "_x"),
                Arguments.of("branch", (Function<String, Object>) BranchId::of, "feature-1_A"),
                Arguments.of("commit", (Function<String, Object>) CommitId::of, HEX64),
                Arguments.of("metarange", (Function<String, Object>) MetaRangeId::of, "0123456789abcdef".repeat(4)),
                Arguments.of("range", (Function<String, Object>) RangeId::of, HEX64),
                Arguments.of("ref", (Function<String, Object>) Ref::of, "main~2"),
                Arguments.of("region", (Function<String, Object>) Region::of, "us-east-1"),
                Arguments.of("organization", (Function<String, Object>) OrganizationId::of, "Acme.Data_1"),
                Arguments.of("mirror", (Function<String, Object>) MirrorId::of, "01jd3k5q8c9f"),
                Arguments.of("namespace", (Function<String, Object>) StorageNamespace::of, "s3://bucket-a/repos/one"),
                Arguments.of("namespace", (Function<String, Object>) StorageNamespace::of, "s3://bucket-a"));
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("valid")
    void of_shouldAccept_whenValueFollowsTheRule(String kind, Function<String, Object> parse, String value) {
        assertThat(parse.apply(value)).hasToString(value);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of((Function<String, Object>) RepositoryId::of, "ab", "3 to 63 characters"),
                Arguments.of((Function<String, Object>) RepositoryId::of, "Repo", "lowercase"),
                Arguments.of((Function<String, Object>) RepositoryId::of, "-repo", "starting with a letter or digit"),
                Arguments.of((Function<String, Object>) RepositoryId::of, "a".repeat(64), "3 to 63 characters"),
                Arguments.of((Function<String, Object>) BranchId::of, "-main", "must start with a letter"),
                Arguments.of((Function<String, Object>) BranchId::of, "feat/x", "must start with a letter"),
                Arguments.of((Function<String, Object>) BranchId::of, "", "must start with a letter"),
                Arguments.of((Function<String, Object>) CommitId::of, "A".repeat(64), "64 lowercase hexadecimal"),
                Arguments.of((Function<String, Object>) CommitId::of, "abc", "64 lowercase hexadecimal"),
                Arguments.of((Function<String, Object>) MetaRangeId::of, "g".repeat(64), "64 lowercase hexadecimal"),
                Arguments.of((Function<String, Object>) Ref::of, "a b", "without whitespace"),
                Arguments.of((Function<String, Object>) Region::of, "US-EAST-1", "lowercase"),
                Arguments.of((Function<String, Object>) MirrorId::of, "Mirror", "lowercase"),
                Arguments.of((Function<String, Object>) StorageNamespace::of, "gs://bucket/x", "S3 URI"),
                Arguments.of((Function<String, Object>) StorageNamespace::of, "s3://B/x", "S3 URI"),
                Arguments.of((Function<String, Object>) StorageNamespace::of, "s3://bucket//x", "empty path segments"),
                Arguments.of((Function<String, Object>) RepositoryId::of, null, "is missing"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("invalid")
    void of_shouldRejectWithTheRule_whenValueBreaksIt(Function<String, Object> parse, String value, String rule) {
        assertThatThrownBy(() -> parse.apply(value))
                .isInstanceOf(InvalidIdentifierException.class)
                .isInstanceOf(NonRetryableException.class)
                .hasMessageContaining(rule);
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void of_shouldQuoteTheValue_whenRejecting(Function<String, Object> parse, String value, String rule) {
        if (value != null && !value.contains("//")) {
            assertThatThrownBy(() -> parse.apply(value)).hasMessageContaining("\"" + value + "\"");
        }
    }

    @Property
    void repositoryId_shouldAcceptExactlyLakeFsNames(@ForAll @StringLength(min = 0, max = 70)
                                                     @CharRange(from = '!', to = '~') String candidate) {
        boolean lakeFsAccepts = candidate.matches("^[a-z0-9][a-z0-9-]{2,62}$");
        assertThat(RepositoryId.RULE.accepts(candidate)).isEqualTo(lakeFsAccepts);
    }

    @Property
    void mirrorIdGenerate_shouldAlwaysSatisfyItsRule_andSortByTime(@ForAll long millis1, @ForAll long millis2) {
        long a = Math.floorMod(millis1, 1L << 50);
        long b = Math.floorMod(millis2, 1L << 50);
        MirrorId first = MirrorId.generate(Instant.ofEpochMilli(Math.min(a, b)));
        MirrorId second = MirrorId.generate(Instant.ofEpochMilli(Math.max(a, b)));
        assertThat(first.value()).hasSize(26);
        if (a != b) {
            assertThat(first.value().substring(0, 10)).isLessThan(second.value().substring(0, 10));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("namespaces")
    void storageNamespace_shouldSplitBucketAndPrefix(String uri, String bucket, String prefix, String metadataKey) {
        StorageNamespace ns = StorageNamespace.of(uri);
        assertThat(ns.bucket()).isEqualTo(bucket);
        assertThat(ns.prefix()).isEqualTo(prefix);
        assertThat(ns.metadataKey(RangeId.of(HEX64))).isEqualTo(metadataKey);
    }

    static Stream<Arguments> namespaces() {
        return Stream.of(
                Arguments.of("s3://bucket", "bucket", "", "_lakefs/" + HEX64),
                Arguments.of("s3://bucket/", "bucket", "", "_lakefs/" + HEX64),
                Arguments.of("s3://bucket/repos/a", "bucket", "repos/a", "repos/a/_lakefs/" + HEX64),
                Arguments.of("s3://bucket/repos/a/", "bucket", "repos/a", "repos/a/_lakefs/" + HEX64));
    }
}
