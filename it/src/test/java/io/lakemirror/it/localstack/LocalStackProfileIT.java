package io.lakemirror.it.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.testkit.LocalStackBackend;
import io.lakemirror.testkit.World;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The LocalStack run's own check, in every build: skipped with one line saying why unless the
 * {@code localstack} profile selected the LocalStack backend and Docker runs; then a two-region world
 * on LocalStack has its buckets, queues and working bucket replication, and each region's
 * configuration points at LocalStack. (The end-to-end suite itself, MirrorEndToEndIT, runs in the
 * same profile on the same world.)
 */
class LocalStackProfileIT {
    @Test
    void world_shouldRunOnLocalStack_whenTheProfileSelectsItAndDockerRuns() {
        Assumptions.assumeTrue(World.Backend.fromSystemProperty() == World.Backend.LOCALSTACK,
                "LocalStack profile not selected (mvn verify -Plocalstack runs the end-to-end suite on LocalStack)");
        LocalStackBackend.unavailableReason().ifPresent(reason ->
                Assumptions.abort("LocalStack profile skipped: " + reason));

        try (World world = World.builder().regions("us-east-1", "eu-west-1").withoutLakeFs().start()) {
            String source = world.site("us-east-1").bucket();
            String destination = world.site("eu-west-1").bucket();
            world.s3().putObject(b -> b.bucket(source).key("repos/x/_lakefs/range-1"),
                    RequestBody.fromString("range", StandardCharsets.UTF_8));

            org.awaitility.Awaitility.await().alias("bucket replication on LocalStack").atMost(Duration.ofSeconds(30))
                    .until(() -> world.s3().listObjectsV2(b -> b.bucket(destination).prefix("repos/x/")).keyCount() == 1);
            assertThat(world.config("eu-west-1").values().origin(io.lakemirror.config.ConfigKeys.QUEUE_SQS_ENDPOINT))
                    .isPresent();
            assertThat(world.site("eu-west-1").configValues().get("queue.sqs.endpoint"))
                    .isEqualTo(world.localStack().endpoint().toString());
            assertThat(world.sqs().listQueues().queueUrls()).hasSize(4);
        }
    }
}
