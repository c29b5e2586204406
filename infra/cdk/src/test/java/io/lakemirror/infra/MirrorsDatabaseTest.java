package io.lakemirror.infra;

import static io.lakemirror.infra.ExampleDeployment.EU;
import static io.lakemirror.infra.ExampleDeployment.US;

import io.lakemirror.domain.Region;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The mirrors global table and each region's refstore, in the example deployment. */
class MirrorsDatabaseTest {
    private static final List<Object> KEY_SCHEMA = List.of(
            Map.of("AttributeName", "pk", "KeyType", "HASH"),
            Map.of("AttributeName", "sk", "KeyType", "RANGE"));
    private static final List<Object> STRING_KEYS = List.of(
            Map.of("AttributeName", "pk", "AttributeType", "S"),
            Map.of("AttributeName", "sk", "AttributeType", "S"));

    private final ExampleDeployment deployment = ExampleDeployment.get();

    @Test
    void mirrorsTable_shouldBeOneGlobalTableInThePrimaryStack_whenTopologyHasTwoRegions() {
        deployment.template(US).resourceCountIs("AWS::DynamoDB::GlobalTable", 1);
        deployment.template(EU).resourceCountIs("AWS::DynamoDB::GlobalTable", 0);
    }

    @Test
    void mirrorsTable_shouldStreamNewAndOldImagesOnDemand_withGenericKeySchema() {
        deployment.template(US).hasResourceProperties("AWS::DynamoDB::GlobalTable", Map.of(
                "TableName", "lakemirror-mirrors",
                "BillingMode", "PAY_PER_REQUEST",
                "StreamSpecification", Map.of("StreamViewType", "NEW_AND_OLD_IMAGES"),
                "KeySchema", KEY_SCHEMA,
                "AttributeDefinitions", STRING_KEYS));
    }

    @ParameterizedTest
    @ValueSource(strings = {"us-east-1", "eu-west-1"})
    void mirrorsTable_shouldHaveReplicaWithRecoveryAndDeletionProtection_inEveryRegion(String region) {
        deployment.template(US).hasResourceProperties("AWS::DynamoDB::GlobalTable", Map.of(
                "Replicas", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Region", region,
                        "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true),
                        "DeletionProtectionEnabled", true))))));
    }

    @Test
    void mirrorsTable_shouldBeRetained_whenStackIsDeleted() {
        deployment.template(US).hasResource("AWS::DynamoDB::GlobalTable", Map.of(
                "DeletionPolicy", "Retain", "UpdateReplacePolicy", "Retain"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"us-east-1", "eu-west-1"})
    void refstore_shouldBeRegionalTableWithRecoveryAndNoStream_inEveryRegion(String region) {
        Template template = deployment.template(Region.of(region));
        template.resourceCountIs("AWS::DynamoDB::Table", 1);
        template.hasResource("AWS::DynamoDB::Table", Map.of(
                "DeletionPolicy", "Retain",
                "Properties", Map.of(
                        "TableName", "lakemirror-refstore",
                        "BillingMode", "PAY_PER_REQUEST",
                        "KeySchema", KEY_SCHEMA,
                        "AttributeDefinitions", STRING_KEYS,
                        "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true),
                        "DeletionProtectionEnabled", true,
                        "StreamSpecification", Match.absent())));
    }
}
