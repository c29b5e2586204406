package io.lakemirror.aws.dynamodb;

import static io.lakemirror.store.StoreFixtures.DESTINATION;
import static io.lakemirror.store.StoreFixtures.T0;
import static io.lakemirror.store.StoreFixtures.commit;
import static io.lakemirror.store.StoreFixtures.commitId;
import static io.lakemirror.store.StoreFixtures.promoted;
import static io.lakemirror.store.StoreFixtures.spec;
import static io.lakemirror.store.StoreFixtures.validated;
import static io.lakemirror.store.StoreFixtures.waiting;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CorruptDataException;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.NonRetryableException;
import io.lakemirror.domain.OrganizationId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.store.BranchState;
import io.lakemirror.store.MirrorSpec;
import io.lakemirror.store.MirrorState;
import io.lakemirror.store.MirrorStatus;
import io.lakemirror.store.Refstore;
import io.lakemirror.store.SensorBranchState;
import io.lakemirror.store.SourceStatus;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
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
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class ItemCodecTest {
    private static final OrganizationId ORG = OrganizationId.of("acme");
    private static final ItemCodec CODEC = new ItemCodec("lakemirror", ORG);
    private static final MirrorId M1 = MirrorId.of("m1");
    private static final BranchId MAIN = BranchId.of("main");

    /** One encoder/decoder pair with a value, named after the item type it produces. */
    record Case<T>(String type, T value, Function<T, Map<String, AttributeValue>> encode,
                   Function<Map<String, AttributeValue>, T> decode, String pk, String sk) {
        @Override
        public String toString() {
            return type;
        }
    }

    static Stream<Arguments> everyItemType() {
        BranchState full = new BranchState(M1, MAIN, Optional.of(validated(3, 30)),
                Optional.of(waiting(4, 40, List.of("_lakefs/abc", "_lakefs/def"))),
                Optional.of(new BranchState.ErrorInfo("S3 timeout", T0)), Optional.of(promoted(2, 20)),
                Optional.of(new BranchState.PromotionLease(3, "promoter-1", T0.plusSeconds(30))),
                Optional.of(new BranchState.ErrorInfo("lakeFS answered 503", T0.plusNanos(1))));
        BranchState deletion = new BranchState(M1, MAIN,
                Optional.of(new BranchState.Validated(5, Optional.empty(), T0, T0, 9)), Optional.empty(),
                Optional.empty(), Optional.of(new BranchState.Promoted(5, Optional.empty(), T0, 9)), Optional.empty(),
                Optional.empty());
        MirrorSpec deleteRequested = spec("m1", "mirror-one").withDeleteRequested(T0.plusMillis(1500));
        return Stream.of(
                new Case<>(ItemCodec.TYPE_SPEC, spec("m1", "mirror-one"), CODEC::encodeSpec, CODEC::decodeSpec,
                        "ORG#acme#MIRRORS", "m1#SPEC"),
                new Case<>(ItemCodec.TYPE_SPEC, deleteRequested, CODEC::encodeSpec, CODEC::decodeSpec,
                        "ORG#acme#MIRRORS", "m1#SPEC"),
                new Case<>(ItemCodec.TYPE_STATUS, new MirrorStatus(M1, MirrorState.FAILED, "", T0.plusNanos(7)),
                        CODEC::encodeStatus, CODEC::decodeStatus, "ORG#acme#MIRRORS", "m1#STATUS"),
                new Case<>(ItemCodec.TYPE_SPEC, spec("m1", "mirror-one").withMirrorTags(false), CODEC::encodeSpec,
                        CODEC::decodeSpec, "ORG#acme#MIRRORS", "m1#SPEC"),
                new Case<>(ItemCodec.TYPE_STATUS, new MirrorStatus(M1, MirrorState.ACTIVE, "", T0, List.of(
                        new MirrorStatus.TagWaiting(io.lakemirror.domain.TagId.of("v1.2"), commitId(3), 4,
                                List.of("_lakefs/abc")))), CODEC::encodeStatus, CODEC::decodeStatus, "ORG#acme#MIRRORS",
                        "m1#STATUS"),
                new Case<>(ItemCodec.TYPE_SOURCE, new SourceStatus(M1, "sensor-a", T0, Optional.of(T0.plusSeconds(1)),
                        Optional.of("source repository not found")), CODEC::encodeSource, CODEC::decodeSource,
                        "ORG#acme#MIRRORS", "m1#SOURCE"),
                new Case<>(ItemCodec.TYPE_SOURCE, new SourceStatus(M1, "sensor-a", T0, Optional.empty(), Optional.empty()),
                        CODEC::encodeSource, CODEC::decodeSource, "ORG#acme#MIRRORS", "m1#SOURCE"),
                new Case<>(ItemCodec.TYPE_CLAIM, new ItemCodec.NameClaim(DESTINATION,
                        io.lakemirror.domain.RepositoryId.of("mirror-one"), M1), CODEC::encodeClaim, CODEC::decodeClaim,
                        "ORG#acme#NAME#eu-west-1#mirror-one", "CLAIM"),
                new Case<>(ItemCodec.TYPE_SENSOR, new SensorBranchState(M1, MAIN, 7, Optional.of(commitId(7)), T0, false, 12),
                        CODEC::encodeSensorState, CODEC::decodeSensorState, "ORG#acme#MIRROR#m1", "SENSOR#main"),
                new Case<>(ItemCodec.TYPE_SENSOR, new SensorBranchState(M1, MAIN, 8, Optional.empty(), T0, true, 12),
                        CODEC::encodeSensorState, CODEC::decodeSensorState, "ORG#acme#MIRROR#m1", "SENSOR#main"),
                new Case<>(ItemCodec.TYPE_SENSOR, new SensorBranchState(M1, MAIN, 9, Optional.of(commitId(9)), T0, true, 14,
                        List.of(new SensorBranchState.Sensed(2, T0.minusSeconds(60)),
                                new SensorBranchState.Sensed(8, T0.minusNanos(5)))),
                        CODEC::encodeSensorState, CODEC::decodeSensorState, "ORG#acme#MIRROR#m1", "SENSOR#main"),
                new Case<>(ItemCodec.TYPE_SPEC, spec("m1", "mirror-one").withSourceIdentity(new MirrorSpec.SourceIdentity(
                        T0.minusSeconds(86_400), "s3://bucket-us/repos/source-repo")), CODEC::encodeSpec, CODEC::decodeSpec,
                        "ORG#acme#MIRRORS", "m1#SPEC"),
                new Case<>(ItemCodec.TYPE_SENT, commitId(5), c -> CODEC.encodeSentCommit(M1, c), CODEC::decodeSentCommit,
                        "ORG#acme#MIRROR#m1", "SENT#" + commitId(5)),
                new Case<>(ItemCodec.TYPE_BRANCH, full, CODEC::encodeBranchState, CODEC::decodeBranchState,
                        "ORG#acme#MIRROR#m1", "BRANCH#main"),
                new Case<>(ItemCodec.TYPE_BRANCH, deletion, CODEC::encodeBranchState, CODEC::decodeBranchState,
                        "ORG#acme#MIRROR#m1", "BRANCH#main"),
                new Case<>(ItemCodec.TYPE_BRANCH, BranchState.empty(M1, MAIN), CODEC::encodeBranchState,
                        CODEC::decodeBranchState, "ORG#acme#MIRROR#m1", "BRANCH#main"),
                new Case<>(ItemCodec.TYPE_COMMIT, new Refstore.StoredCommit(commit(3, 1, 2), true),
                        c -> CODEC.encodeCommit(M1, c), CODEC::decodeCommit, "ORG#acme#REFS#m1", "COMMIT#" + commitId(3)),
                new Case<>(ItemCodec.TYPE_PRESENT, new ItemCodec.PresentFile(StorageNamespace.of("s3://bucket/repo"), "r1", T0),
                        p -> CODEC.encodePresent(p.namespace(), p.fileId(), p.checkedAt()), CODEC::decodePresent,
                        "ORG#acme#PRESENT#s3://bucket/repo", "r1")
        ).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyItemType")
    <T> void decode_shouldReturnWhatWasEncoded_forEveryItemType(Case<T> c) {
        Map<String, AttributeValue> item = c.encode().apply(c.value());

        assertThat(c.decode().apply(item)).isEqualTo(c.value());
        assertThat(item.get(ItemCodec.SCHEMA_VERSION_ATTR)).isEqualTo(AttributeValue.fromN("1"));
        assertThat(item.get(ItemCodec.TYPE_ATTR)).isEqualTo(AttributeValue.fromS(c.type()));
        assertThat(item.get(TableKeys.PK).s()).isEqualTo(c.pk());
        assertThat(item.get(TableKeys.SK).s()).isEqualTo(c.sk());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyItemType")
    <T> void decode_shouldRefuseAnItemOfANewerSchema_sayingWhatToDo(Case<T> c) {
        Map<String, AttributeValue> item = new HashMap<>(c.encode().apply(c.value()));
        item.put(ItemCodec.SCHEMA_VERSION_ATTR, AttributeValue.fromN("2"));

        assertThatThrownBy(() -> c.decode().apply(item))
                .isExactlyInstanceOf(NonRetryableException.class)
                .hasMessageContaining("schema_version 2")
                .hasMessageContaining("pk=" + c.pk())
                .hasMessageContaining("upgrade");
    }

    @Test
    void decodeSpec_shouldMirrorTags_whenTheItemPredatesTheFlag() {
        Map<String, AttributeValue> item = new HashMap<>(CODEC.encodeSpec(spec("m1", "mirror-one").withMirrorTags(false)));
        item.remove(ItemCodec.MIRROR_TAGS);

        assertThat(CODEC.decodeSpec(item).mirrorTags()).isTrue();
    }

    @Test
    void decode_shouldRefuseAnItemWithoutSchemaVersion() {
        Map<String, AttributeValue> item = new HashMap<>(CODEC.encodeSpec(spec("m1", "mirror-one")));
        item.remove(ItemCodec.SCHEMA_VERSION_ATTR);

        assertThatThrownBy(() -> CODEC.decodeSpec(item))
                .isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("schema_version is missing");
    }

    @Test
    void decodeBranchState_shouldGiveALeaseWithoutVersionAStableOne_whenAnOlderLakemirrorWroteIt() {
        var lease = new BranchState.PromotionLease(3, "promoter-1", T0.plusSeconds(30));
        Map<String, AttributeValue> item = new HashMap<>(CODEC.encodeBranchState(new BranchState(M1, MAIN,
                Optional.of(validated(3, 30)), Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(lease),
                Optional.empty())));
        Map<String, AttributeValue> older = new HashMap<>(item.get(ItemCodec.PROMOTION).m());
        older.remove(ItemCodec.VERSION);
        item.put(ItemCodec.PROMOTION, AttributeValue.fromM(older));

        BranchState.PromotionLease decoded = CODEC.decodeBranchState(item).promotion().orElseThrow();

        assertThat(decoded.version()).isEqualTo(BranchState.PromotionLease.legacyVersion("promoter-1", T0.plusSeconds(30)))
                .isEqualTo(CODEC.decodeBranchState(item).promotion().orElseThrow().version());
        assertThat(decoded.owner()).isEqualTo("promoter-1");
    }

    @Test
    void decode_shouldRefuseAnItemOfAnotherType() {
        Map<String, AttributeValue> status = CODEC.encodeStatus(new MirrorStatus(M1, MirrorState.ACTIVE, "", T0));

        assertThatThrownBy(() -> CODEC.decodeSpec(status))
                .isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("type is \"mirror_status\", expected \"mirror_spec\"");
    }

    @Test
    void decode_shouldNameTheAttribute_whenOneIsInvalid() {
        Map<String, AttributeValue> item = new HashMap<>(CODEC.encodeBranchState(new BranchState(M1, MAIN,
                Optional.of(validated(1, 1)), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty())));
        Map<String, AttributeValue> validated = new HashMap<>(item.get(ItemCodec.VALIDATED).m());
        validated.put(ItemCodec.SEQUENCE, AttributeValue.fromS("one"));
        item.put(ItemCodec.VALIDATED, AttributeValue.fromM(validated));

        assertThatThrownBy(() -> CODEC.decodeBranchState(item))
                .isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("attribute validated")
                .hasMessageContaining("sequence must be a number")
                .hasMessageContaining("fix or delete the item");
    }

    @Test
    void decode_shouldRefuseACommitRecordWhoseIdDiffersFromItsKey() {
        Map<String, AttributeValue> item = new HashMap<>(CODEC.encodeCommit(M1, new Refstore.StoredCommit(commit(3), false)));
        item.put(ItemCodec.COMMIT_ID, AttributeValue.fromS(commitId(4).value()));

        assertThatThrownBy(() -> CODEC.decodeCommit(item)).isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("differs");
    }

    @Property
    void instants_shouldSortAsStrings_inTimeOrder(@ForAll("instants") Instant a, @ForAll("instants") Instant b) {
        String sa = ItemCodec.formatInstant(a);
        String sb = ItemCodec.formatInstant(b);

        assertThat(Integer.signum(sa.compareTo(sb))).isEqualTo(Integer.signum(a.compareTo(b)));
        assertThat(Instant.parse(sa)).isEqualTo(a);
    }

    @Provide
    Arbitrary<Instant> instants() {
        return Arbitraries.longs().between(0, 253_402_300_799L)
                .flatMap(seconds -> Arbitraries.integers().between(0, 999_999_999)
                        .map(nanos -> Instant.ofEpochSecond(seconds, nanos)));
    }
}
