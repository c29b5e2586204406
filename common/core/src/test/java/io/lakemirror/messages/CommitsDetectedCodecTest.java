package io.lakemirror.messages;

import static io.lakemirror.store.StoreFixtures.commit;
import static io.lakemirror.store.StoreFixtures.commitId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.OrganizationId;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.RepositoryId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CommitsDetectedCodecTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static CommitsDetected message(Optional<CommitId> head, List<CommitRecord> commits, Optional<CommitRecord> headCommit) {
        return new CommitsDetected(OrganizationId.of("acme"), MirrorId.of("m1"), RepositoryId.of("source-repo"),
                Region.of("us-east-1"), Region.of("eu-west-1"), BranchId.of("main"), 7, 0, true, head,
                Instant.parse("2026-11-25T10:00:00.123Z"), 42, commits, headCommit, List.of(commitId(99)));
    }

    @Test
    void decode_shouldRoundTripEveryField() {
        CommitsDetected original = message(Optional.of(commitId(3)), List.of(commit(1), commit(2, 1), commit(3, 1, 2)),
                Optional.empty());

        CommitsDetected decoded = CommitsDetectedCodec.decode(CommitsDetectedCodec.encode(original));

        assertThat(decoded).isEqualTo(original);
        assertThat(decoded.headRecord()).contains(commit(3, 1, 2));
    }

    @Test
    void decode_shouldRoundTripADeletion() {
        CommitsDetected deletion = message(Optional.empty(), List.of(), Optional.empty());

        assertThat(CommitsDetectedCodec.decode(CommitsDetectedCodec.encode(deletion))).isEqualTo(deletion);
    }

    @Test
    void encode_shouldWriteTheSchemaVersionFirst() {
        String json = CommitsDetectedCodec.encode(message(Optional.empty(), List.of(), Optional.empty()));
        assertThat(json).startsWith("{\"schema_version\":1,");
    }

    @Property(tries = 200)
    void decode_shouldRoundTripArbitraryCommitRecords(@ForAll("records") CommitRecord record) {
        CommitsDetected original = message(Optional.of(record.id()), List.of(record), Optional.empty());
        assertThat(CommitsDetectedCodec.decode(CommitsDetectedCodec.encode(original))).isEqualTo(original);
    }

    @Provide
    Arbitrary<CommitRecord> records() {
        Arbitrary<String> text = Arbitraries.strings().ofMaxLength(40);
        Arbitrary<Map<String, String>> metadata = Arbitraries.maps(text, text).ofMaxSize(4);
        return net.jqwik.api.Combinators.combine(Arbitraries.integers().between(1, 1 << 20), text, text, metadata,
                        Arbitraries.longs().between(-62135596800L, 4102444800L), Arbitraries.integers().between(0, 3),
                        Arbitraries.integers().between(0, 1))
                .as((n, committer, msg, meta, date, parents, version) -> new CommitRecord(commitId(n),
                        Stream.iterate(n + 1, p -> p + 1).limit(parents).map(p -> commitId(p)).toList(), committer, msg,
                        n % 5 == 0 ? Optional.empty() : Optional.of(io.lakemirror.domain.MetaRangeId.of(commitId(n).value())),
                        Instant.ofEpochSecond(date), meta, n, version));
    }

    static Stream<Arguments> malformed() throws Exception {
        String valid = CommitsDetectedCodec.encode(message(Optional.of(commitId(1)), List.of(commit(1)), Optional.empty()));
        return Stream.of(
                Arguments.of("not json {", "not JSON"),
                Arguments.of("[]", "must be a JSON object"),
                Arguments.of("{}", "message.schema_version is missing"),
                Arguments.of(with(valid, n -> n.put("schema_version", 2)), "schema_version 2 is not supported"),
                Arguments.of(with(valid, n -> n.put("type", "other")), "is not commits_detected"),
                Arguments.of(with(valid, n -> n.remove("sequence")), "message.sequence is missing"),
                Arguments.of(with(valid, n -> n.put("sequence", "seven")), "message.sequence must be an integer"),
                Arguments.of(with(valid, n -> n.put("branch", "bad/branch")), "invalid branch id"),
                Arguments.of(with(valid, n -> n.put("head", "xyz")), "invalid commit id"),
                Arguments.of(with(valid, n -> ((ObjectNode) n.get("commits").get(0)).remove("committer")),
                        "message.commits[0].committer is missing"),
                Arguments.of(with(valid, n -> n.put("sensed_at", "yesterday")), "message is invalid"),
                Arguments.of(with(valid, n -> n.set("claim_checked", JSON.createArrayNode().add(7))),
                        "claim_checked must hold commit IDs as strings"));
    }

    /** Integers that a cast would silently wrap into valid-looking values (2^32 + 1 is 1 as an int). */
    static Stream<Arguments> outOfRange() throws Exception {
        String valid = CommitsDetectedCodec.encode(message(Optional.of(commitId(1)), List.of(commit(1)), Optional.empty()));
        return Stream.of(
                Arguments.of(with(valid, n -> n.put("batch", 4_294_967_296L)), "message.batch is 4294967296, outside 0.."),
                Arguments.of(with(valid, n -> n.put("batch", -1)), "message.batch is -1"),
                Arguments.of(with(valid, n -> n.put("sequence", 0)), "message.sequence is 0, outside 1.."),
                Arguments.of(with(valid, n -> n.put("commits_sent", -5)), "message.commits_sent is -5"),
                Arguments.of(with(valid, n -> ((ObjectNode) n.get("commits").get(0)).put("version", 4_294_967_297L)),
                        "message.commits[0].version is 4294967297, outside 0..1"),
                Arguments.of(with(valid, n -> ((ObjectNode) n.get("commits").get(0)).put("generation", -1)),
                        "message.commits[0].generation is -1"),
                Arguments.of(with(valid, n -> ((ObjectNode) n.get("commits").get(0)).put("creation_date",
                        Long.MAX_VALUE)), "message.commits[0].creation_date is " + Long.MAX_VALUE));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("outOfRange")
    void decode_shouldRefuseAnIntegerOutOfRange_insteadOfCastingIt(String body, String expected) {
        assertThatThrownBy(() -> CommitsDetectedCodec.decode(body))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining(expected);
    }

    private static String with(String json, java.util.function.Consumer<ObjectNode> edit) throws Exception {
        ObjectNode node = (ObjectNode) JSON.readTree(json);
        edit.accept(node);
        return JSON.writeValueAsString(node);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("malformed")
    void decode_shouldExplainWhatIsWrong_whenTheMessageIsMalformed(String body, String expected) {
        assertThatThrownBy(() -> CommitsDetectedCodec.decode(body))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining(expected);
    }

    @Test
    void queueIds_shouldStayWithinSqsLimits_andStable_forAVeryLongBranchName() {
        BranchId longBranch = BranchId.of("b".repeat(300));
        CommitsDetected m = new CommitsDetected(OrganizationId.of("acme"), MirrorId.of("0123456789abcdefghjkmnpqrs"),
                RepositoryId.of("source-repo"), Region.of("us-east-1"), Region.of("eu-west-1"), longBranch, 123456789, 42,
                true, Optional.empty(), Instant.EPOCH, 0, List.of(), Optional.empty(), List.of());

        assertThat(m.groupId()).hasSizeLessThanOrEqualTo(CommitsDetected.MAX_QUEUE_ID).startsWith(m.mirrorId() + "/sha256-");
        assertThat(m.deduplicationId()).hasSizeLessThanOrEqualTo(CommitsDetected.MAX_QUEUE_ID).endsWith("/123456789/42");
        assertThat(CommitsDetected.groupId(m.mirrorId(), longBranch)).isEqualTo(m.groupId());
        assertThat(message(Optional.empty(), List.of(), Optional.empty()).groupId()).isEqualTo("m1/main");
    }
}
