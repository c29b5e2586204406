package io.lakemirror.testkit;

import java.net.URI;
import java.util.Map;
import java.util.Objects;
import org.apache.pekko.http.scaladsl.Http;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * SQS on one machine: ElasticMQ embedded in this JVM on a free port of 127.0.0.1. One server holds
 * every region's queues (queue URLs carry the real port). {@link #close()} calls
 * {@code stopAndWait()}: ElasticMQ's Pekko threads are not daemons, so a JVM that skips it never exits.
 */
public final class ElasticMq implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ElasticMq.class);
    /** The account ID in queue URLs and ARNs. */
    public static final String ACCOUNT_ID = "000000000000";
    private static final String PEKKO_SHUTDOWN_HOOK = "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook";

    private final SQSRestServer server;
    private final int port;
    private final SqsClient client;
    private volatile boolean closed;

    private ElasticMq(SQSRestServer server, int port) {
        this.server = server;
        this.port = port;
        this.client = LocalAws.sqs(endpoint());
    }

    /** Starts ElasticMQ on a free port and waits until it is bound. */
    public static ElasticMq start() {
        return start(0, true);
    }

    /**
     * Starts ElasticMQ and waits until it is bound.
     *
     * @param port         the port; 0 picks a free one
     * @param shutdownHook whether Pekko may stop it from its own JVM shutdown hook; an owner that stops
     *                     its servers in order from one hook of its own says false. Pekko reads this
     *                     once per JVM (from a system property), so the first start in a JVM decides.
     */
    public static ElasticMq start(int port, boolean shutdownHook) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        if (!shutdownHook) {
            System.setProperty(PEKKO_SHUTDOWN_HOOK, "off");
        }
        long started = System.nanoTime();
        SQSRestServer server = (port == 0 ? SQSRestServerBuilder.withDynamicPort() : SQSRestServerBuilder.withPort(port))
                .withInterface("127.0.0.1")
                .withAWSRegion(LocalAws.SIGNING_REGION.id())
                .withAWSAccountId(ACCOUNT_ID)
                .start();
        Http.ServerBinding binding;
        try {
            binding = server.waitUntilStarted();
        } catch (RuntimeException e) {
            server.stopAndWait();
            throw new IllegalStateException("ElasticMQ did not start on 127.0.0.1" + (port == 0 ? "" : ":" + port) + ": "
                    + e.getMessage(), e);
        }
        ElasticMq mq = new ElasticMq(server, binding.localAddress().getPort());
        LOG.info("ElasticMQ started on {} in {} ms", mq.endpoint(), (System.nanoTime() - started) / 1_000_000);
        return mq;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    /** A client of this server, owned by it (closed with it). */
    public SqsClient client() {
        return client;
    }

    /**
     * Creates (or finds) the FIFO queue {@code name} and its FIFO dead-letter queue {@code dlqName};
     * a message moves to the DLQ after {@code maxReceiveCount} receives. Both names end in {@code .fifo}.
     */
    public FifoQueue createFifoQueue(String name, String dlqName, int maxReceiveCount) {
        requireFifo(name);
        requireFifo(dlqName);
        if (maxReceiveCount < 1) {
            throw new IllegalArgumentException("maxReceiveCount must be at least 1, got " + maxReceiveCount);
        }
        Map<QueueAttributeName, String> fifo = Map.of(
                QueueAttributeName.FIFO_QUEUE, "true",
                QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "false");
        String dlqUrl = client.createQueue(b -> b.queueName(dlqName).attributes(fifo)).queueUrl();
        String dlqArn = client.getQueueAttributes(b -> b.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        String redrive = "{\"maxReceiveCount\":\"" + maxReceiveCount + "\",\"deadLetterTargetArn\":\"" + dlqArn + "\"}";
        String url = client.createQueue(b -> b.queueName(name).attributes(Map.of(
                QueueAttributeName.FIFO_QUEUE, "true",
                QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "false",
                QueueAttributeName.REDRIVE_POLICY, redrive))).queueUrl();
        String arn = client.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        LOG.info("Created FIFO queue {} with dead-letter queue {} after {} receive(s)", name, dlqName, maxReceiveCount);
        return new FifoQueue(name, url, arn, dlqName, dlqUrl, dlqArn, maxReceiveCount);
    }

    private static void requireFifo(String name) {
        Objects.requireNonNull(name, "queue name");
        if (!name.endsWith(".fifo")) {
            throw new IllegalArgumentException("FIFO queue names end in .fifo, got \"" + name + "\"");
        }
    }

    /** Stops the server and waits for its threads. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long started = System.nanoTime();
        client.close();
        server.stopAndWait();
        LOG.info("ElasticMQ on port {} stopped in {} ms", port, (System.nanoTime() - started) / 1_000_000);
    }

    @Override
    public String toString() {
        return "ElasticMq[" + endpoint() + (closed ? ", closed" : "") + "]";
    }

    /** A FIFO queue and its dead-letter queue. */
    public record FifoQueue(String name, String url, String arn, String dlqName, String dlqUrl, String dlqArn,
                            int maxReceiveCount) {
    }
}
