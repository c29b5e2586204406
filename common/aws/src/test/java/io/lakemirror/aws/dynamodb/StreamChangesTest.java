package io.lakemirror.aws.dynamodb;

import static io.lakemirror.store.StoreFixtures.T0;
import static io.lakemirror.store.StoreFixtures.commitId;
import static io.lakemirror.store.StoreFixtures.spec;
import static io.lakemirror.store.StoreFixtures.validated;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.OrganizationId;
import io.lakemirror.store.BranchState;
import io.lakemirror.store.ChangeFeed;
import io.lakemirror.store.MirrorState;
import io.lakemirror.store.MirrorStatus;
import io.lakemirror.store.Refstore;
import io.lakemirror.store.SensorBranchState;
import io.lakemirror.store.SourceStatus;
import io.lakemirror.store.StoreFixtures;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;

class StreamChangesTest {
    private static final OrganizationId ORG = OrganizationId.of("acme");
    private static final ItemCodec CODEC = new ItemCodec("lakemirror", ORG);
    private static final StreamChanges CHANGES = new StreamChanges("lakemirror", ORG);
    private static final MirrorId M1 = MirrorId.of("m1");
    private static final BranchId MAIN = BranchId.of("main");
    private static final BranchState STATE = new BranchState(M1, MAIN, Optional.of(validated(1, 10)), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    private static Record record(OperationType operation, Map<String, AttributeValue> image) {
        Map<String, AttributeValue> keys = Map.of(TableKeys.PK, image.get(TableKeys.PK), TableKeys.SK, image.get(TableKeys.SK));
        StreamRecord.Builder data = StreamRecord.builder().keys(keys);
        if (operation != OperationType.REMOVE) {
            data.newImage(image);
        }
        if (operation != OperationType.INSERT) {
            data.oldImage(image);
        }
        return Record.builder().eventID("1").eventName(operation).dynamodb(data.build()).build();
    }

    static Stream<Arguments> mirrorItems() {
        return Stream.of(
                Arguments.of("spec", CODEC.encodeSpec(spec("m1", "mirror-one"))),
                Arguments.of("status", CODEC.encodeStatus(new MirrorStatus(M1, MirrorState.ACTIVE, "", T0))),
                Arguments.of("source", CODEC.encodeSource(new SourceStatus(M1, "s", T0, Optional.empty(), Optional.empty()))));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("mirrorItems")
    void toChange_shouldReportAMirrorChange_forSpecStatusAndSourceItems(String kind, Map<String, AttributeValue> item) {
        for (OperationType operation : new OperationType[] {OperationType.INSERT, OperationType.MODIFY, OperationType.REMOVE}) {
            assertThat(CHANGES.toChange(record(operation, item))).as(kind + " " + operation)
                    .contains(new ChangeFeed.MirrorChanged(M1));
        }
    }

    @Test
    void toChange_shouldCarryTheNewImage_ofABranchState() {
        assertThat(CHANGES.toChange(record(OperationType.MODIFY, CODEC.encodeBranchState(STATE))))
                .contains(new ChangeFeed.BranchChanged(M1, MAIN, Optional.of(STATE)));
    }

    @Test
    void toChange_shouldReportNoState_whenABranchStateIsRemoved() {
        assertThat(CHANGES.toChange(record(OperationType.REMOVE, CODEC.encodeBranchState(STATE))))
                .contains(new ChangeFeed.BranchChanged(M1, MAIN, Optional.empty()));
    }

    static Stream<Arguments> otherItems() {
        return Stream.of(
                Arguments.of("name claim", CODEC.encodeClaim(new ItemCodec.NameClaim(StoreFixtures.DESTINATION,
                        io.lakemirror.domain.RepositoryId.of("mirror-one"), M1))),
                Arguments.of("sensor state", CODEC.encodeSensorState(
                        new SensorBranchState(M1, MAIN, 1, Optional.of(commitId(1)), T0, true, 1))),
                Arguments.of("sent commit", CODEC.encodeSentCommit(M1, commitId(1))),
                Arguments.of("commit record", CODEC.encodeCommit(M1, new Refstore.StoredCommit(StoreFixtures.commit(1), false))),
                Arguments.of("present file", CODEC.encodePresent(io.lakemirror.domain.StorageNamespace.of("s3://bucket/a"),
                        "r1", T0)),
                Arguments.of("branch state of another organization", new ItemCodec("lakemirror", OrganizationId.of("other"))
                        .encodeBranchState(STATE)),
                Arguments.of("foreign item", Map.of(TableKeys.PK, AttributeValue.fromS("USER#1"), TableKeys.SK,
                        AttributeValue.fromS("PROFILE"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("otherItems")
    void toChange_shouldIgnoreItems_thatAreNoMirrorOrBranchChangeOfThisOrganization(String kind, Map<String, AttributeValue> item) {
        assertThat(CHANGES.toChange(record(OperationType.INSERT, item))).isEmpty();
    }

    @Test
    void toChange_shouldSkipABranchStateOfANewerSchema() {
        Map<String, AttributeValue> item = new HashMap<>(CODEC.encodeBranchState(STATE));
        item.put(ItemCodec.SCHEMA_VERSION_ATTR, AttributeValue.fromN("9"));

        assertThat(CHANGES.toChange(record(OperationType.MODIFY, item))).isEmpty();
    }
}
