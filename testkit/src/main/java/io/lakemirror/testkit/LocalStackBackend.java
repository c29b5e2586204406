package io.lakemirror.testkit;

import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * LocalStack in a container (Testcontainers), serving DynamoDB with DynamoDB Streams, SQS and S3 on
 * one endpoint: the {@link World}'s other backend beside dynoxide, ElasticMQ and S3Mock, chosen with
 * {@link World.Builder#backend} or {@code -Dlakemirror.world.backend=localstack} (the {@code
 * localstack} Maven profile). It needs a Docker daemon; {@link #unavailableReason()} says, in one
 * line, why it cannot start on this machine, so that callers skip rather than fail.
 */
public final class LocalStackBackend implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalStackBackend.class);
    /** The LocalStack image; {@code -Dlakemirror.localstack.image} overrides it. */
    public static final String DEFAULT_IMAGE = "localstack/localstack:4.4";

    private final LocalStackContainer container;
    private final S3Client s3;
    private final SqsClient sqs;
    private final DynamoDbClient dynamoDb;
    private final DynamoDbStreamsClient dynamoDbStreams;

    private LocalStackBackend(LocalStackContainer container) {
        this.container = container;
        URI endpoint = endpoint(container);
        this.s3 = LocalAws.s3(endpoint);
        this.sqs = LocalAws.sqs(endpoint);
        this.dynamoDb = LocalAws.dynamoDb(endpoint);
        this.dynamoDbStreams = LocalAws.dynamoDbStreams(endpoint);
    }

    /**
     * Why LocalStack cannot run here (no Docker daemon), in one line; empty when it can. Asks Docker
     * once per JVM.
     */
    public static synchronized Optional<String> unavailableReason() {
        // Without a socket or DOCKER_HOST there is nothing to ask, and Testcontainers' search logs a page of errors.
        boolean socket = java.nio.file.Files.exists(java.nio.file.Path.of("/var/run/docker.sock"))
                || java.nio.file.Files.exists(java.nio.file.Path.of(System.getProperty("user.home"), ".docker", "run", "docker.sock"));
        String dockerHost = System.getenv("DOCKER_HOST");
        if (!socket && (dockerHost == null || dockerHost.isBlank())) {
            return Optional.of("no Docker daemon (no /var/run/docker.sock, DOCKER_HOST unset); LocalStack needs one");
        }
        try {
            if (DockerClientFactory.instance().isDockerAvailable()) {
                return Optional.empty();
            }
            return Optional.of("no Docker daemon answers (Testcontainers found none); LocalStack needs one");
        } catch (RuntimeException | NoClassDefFoundError e) {
            return Optional.of("Docker is not usable here: " + e.getMessage());
        }
    }

    /** Starts LocalStack with DynamoDB (and its streams), SQS and S3. */
    public static LocalStackBackend start() {
        unavailableReason().ifPresent(reason -> {
            throw new IllegalStateException("cannot start LocalStack: " + reason);
        });
        String image = System.getProperty("lakemirror.localstack.image", DEFAULT_IMAGE);
        LocalStackContainer container = new LocalStackContainer(DockerImageName.parse(image)
                .asCompatibleSubstituteFor("localstack/localstack"))
                .withServices(LocalStackContainer.Service.DYNAMODB, LocalStackContainer.Service.SQS,
                        LocalStackContainer.Service.S3);
        container.start();
        LOG.info("LocalStack {} running at {}", image, endpoint(container));
        return new LocalStackBackend(container);
    }

    private static URI endpoint(LocalStackContainer container) {
        return URI.create("http://" + container.getHost() + ":" + container.getMappedPort(4566));
    }

    /** The one endpoint of every service (DynamoDB, DynamoDB Streams, SQS, S3). */
    public URI endpoint() {
        return endpoint(container);
    }

    public S3Client s3() {
        return s3;
    }

    public SqsClient sqs() {
        return sqs;
    }

    public DynamoDbClient dynamoDb() {
        return dynamoDb;
    }

    public DynamoDbStreamsClient dynamoDbStreams() {
        return dynamoDbStreams;
    }

    /** Creates a bucket for a region's namespaces. */
    public void createBucket(String bucket) {
        s3.createBucket(b -> b.bucket(bucket));
    }

    /** A FIFO queue with its FIFO dead-letter queue after {@code maxReceiveCount} receives, as ElasticMQ's. */
    public ElasticMq.FifoQueue createFifoQueue(String name, String dlqName, int maxReceiveCount) {
        Objects.requireNonNull(name, "name");
        Map<QueueAttributeName, String> fifo = Map.of(QueueAttributeName.FIFO_QUEUE, "true",
                QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "false");
        String dlqUrl = sqs.createQueue(b -> b.queueName(dlqName).attributes(fifo)).queueUrl();
        String dlqArn = arn(dlqUrl);
        String redrive = "{\"maxReceiveCount\":\"" + maxReceiveCount + "\",\"deadLetterTargetArn\":\"" + dlqArn + "\"}";
        String url = sqs.createQueue(b -> b.queueName(name).attributes(Map.of(
                QueueAttributeName.FIFO_QUEUE, "true",
                QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "false",
                QueueAttributeName.REDRIVE_POLICY, redrive))).queueUrl();
        return new ElasticMq.FifoQueue(name, url, arn(url), dlqName, dlqUrl, dlqArn, maxReceiveCount);
    }

    private String arn(String url) {
        return sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    @Override
    public void close() {
        s3.close();
        sqs.close();
        dynamoDb.close();
        dynamoDbStreams.close();
        container.stop();
    }

    @Override
    public String toString() {
        return "LocalStack" + (container.isRunning() ? "@" + endpoint() : "[stopped]");
    }
}
