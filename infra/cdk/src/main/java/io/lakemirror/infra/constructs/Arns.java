package io.lakemirror.infra.constructs;

import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Stack;
import software.constructs.IConstruct;

/**
 * ARNs of resources named by convention rather than referenced: a table replica, a queue or a bucket
 * of another region has no construct in this stack, but its name is fixed by the topology.
 */
final class Arns {
    private Arns() {
    }

    /** {@code arn:<partition>:dynamodb:<stack region>:<account>:table/<name>[/<suffix>]}. */
    static String table(IConstruct scope, String tableName, String suffix) {
        return Stack.of(scope).formatArn(ArnComponents.builder()
                .service("dynamodb")
                .resource("table")
                .resourceName(suffix.isEmpty() ? tableName : tableName + "/" + suffix)
                .build());
    }

    /** {@code arn:<partition>:sqs:<region>:<account>:<queue name>}. */
    static String queue(IConstruct scope, String region, String queueName) {
        return Stack.of(scope).formatArn(ArnComponents.builder()
                .service("sqs")
                .region(region)
                .resource(queueName)
                .arnFormat(ArnFormat.NO_RESOURCE_NAME)
                .build());
    }

    /** {@code arn:<partition>:s3:::<bucket>}. */
    static String bucket(IConstruct scope, String bucketName) {
        return Stack.of(scope).formatArn(ArnComponents.builder()
                .service("s3")
                .region("")
                .account("")
                .resource(bucketName)
                .arnFormat(ArnFormat.NO_RESOURCE_NAME)
                .build());
    }

    /** {@code arn:<partition>:s3:::<bucket>/<key pattern>}. */
    static String objects(IConstruct scope, String bucketName, String keyPattern) {
        return Stack.of(scope).formatArn(ArnComponents.builder()
                .service("s3")
                .region("")
                .account("")
                .resource(bucketName)
                .resourceName(keyPattern)
                .arnFormat(ArnFormat.SLASH_RESOURCE_NAME)
                .build());
    }
}
