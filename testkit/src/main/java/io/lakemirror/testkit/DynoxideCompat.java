package io.lakemirror.testkit;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CreateTableResponse;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamResponse;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableResponse;
import software.amazon.awssdk.services.dynamodb.model.ListStreamsResponse;
import software.amazon.awssdk.services.dynamodb.model.SequenceNumberRange;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.StreamDescription;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.UpdateTableResponse;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The two test-only shims that KCL 3.3 with the DynamoDB Streams adapter 2.0.1 needs against
 * dynoxide, as SDK interceptors. Production code takes a {@link DynamoDbStreamsClient} and a stream
 * ARN injected; tests inject {@link #streams} and {@link #kclStreamArn} (or read the ARN through
 * {@link #dynamoDb}, which already rewrites it).
 *
 * <ul>
 *   <li><b>ARN region.</b> dynoxide puts the region {@code dynoxide} into every ARN; the adapter
 *       rebuilds ARNs through {@code Region.regions()} and rejects it. dynoxide reads only the table
 *       name from a stream ARN and echoes the request's ARN, so rewriting the region in responses
 *       is invisible to it.</li>
 *   <li><b>Open shards.</b> dynoxide's DescribeStream reports an {@code EndingSequenceNumber} on its
 *       only, open shard once the stream has records; KCL treats such a shard as closed and never
 *       leases it. Real DynamoDB sets it only on closed shards, and dynoxide never closes one.</li>
 * </ul>
 */
public final class DynoxideCompat {
    /** The region dynoxide writes into ARNs. */
    public static final String DYNOXIDE_REGION = "dynoxide";

    private DynoxideCompat() {
    }

    /** {@code arn} with dynoxide's region replaced by {@code region}; other ARNs unchanged. */
    public static String kclStreamArn(String arn, Region region) {
        Objects.requireNonNull(arn, "arn");
        return arn.replace(":" + DYNOXIDE_REGION + ":", ":" + region.id() + ":");
    }

    /** Rewrites the region of table and stream ARNs in DynamoDB and DynamoDB Streams responses. */
    public static ExecutionInterceptor arnRegionRewrite(Region region) {
        return new ArnRegionRewrite(region);
    }

    /** Removes {@code EndingSequenceNumber} from every shard of a DescribeStream response. */
    public static ExecutionInterceptor openShards() {
        return new OpenShards();
    }

    /** A streams client for KCL: both shims, signing for {@code region}. */
    public static DynamoDbStreamsClient streams(URI endpoint, Region region) {
        return DynamoDbStreamsClient.builder()
                .endpointOverride(endpoint)
                .region(region)
                .credentialsProvider(LocalAws.credentials())
                .httpClient(LocalAws.httpClient())
                .overrideConfiguration(c -> c.executionInterceptors(List.of(arnRegionRewrite(region), openShards())))
                .build();
    }

    /** A DynamoDB client whose table descriptions carry stream ARNs that KCL accepts. */
    public static DynamoDbClient dynamoDb(URI endpoint, Region region) {
        return DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(region)
                .credentialsProvider(LocalAws.credentials())
                .httpClient(LocalAws.httpClient())
                .overrideConfiguration(c -> c.addExecutionInterceptor(arnRegionRewrite(region)))
                .build();
    }

    private static final class ArnRegionRewrite implements ExecutionInterceptor {
        private final Region region;

        ArnRegionRewrite(Region region) {
            this.region = Objects.requireNonNull(region, "region");
        }

        @Override
        public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
            SdkResponse response = context.response();
            if (response instanceof DescribeTableResponse r && r.table() != null) {
                return r.toBuilder().table(rewrite(r.table())).build();
            }
            if (response instanceof CreateTableResponse r && r.tableDescription() != null) {
                return r.toBuilder().tableDescription(rewrite(r.tableDescription())).build();
            }
            if (response instanceof UpdateTableResponse r && r.tableDescription() != null) {
                return r.toBuilder().tableDescription(rewrite(r.tableDescription())).build();
            }
            if (response instanceof ListStreamsResponse r && r.hasStreams()) {
                return r.toBuilder().streams(r.streams().stream()
                        .map(s -> s.toBuilder().streamArn(arn(s.streamArn())).build()).toList()).build();
            }
            if (response instanceof DescribeStreamResponse r && r.streamDescription() != null) {
                StreamDescription d = r.streamDescription();
                return r.toBuilder().streamDescription(d.toBuilder().streamArn(arn(d.streamArn())).build()).build();
            }
            return response;
        }

        private TableDescription rewrite(TableDescription table) {
            return table.toBuilder().tableArn(arn(table.tableArn())).latestStreamArn(arn(table.latestStreamArn())).build();
        }

        private String arn(String arn) {
            return arn == null ? null : kclStreamArn(arn, region);
        }
    }

    private static final class OpenShards implements ExecutionInterceptor {
        @Override
        public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
            if (context.response() instanceof DescribeStreamResponse r && r.streamDescription() != null
                    && r.streamDescription().hasShards()) {
                List<Shard> open = r.streamDescription().shards().stream().map(OpenShards::open).toList();
                return r.toBuilder().streamDescription(r.streamDescription().toBuilder().shards(open).build()).build();
            }
            return context.response();
        }

        private static Shard open(Shard shard) {
            SequenceNumberRange range = shard.sequenceNumberRange();
            if (range == null || range.endingSequenceNumber() == null) {
                return shard;
            }
            return shard.toBuilder().sequenceNumberRange(range.toBuilder().endingSequenceNumber(null).build()).build();
        }
    }
}
