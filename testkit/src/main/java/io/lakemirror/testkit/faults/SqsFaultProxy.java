package io.lakemirror.testkit.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakemirror.testkit.LocalAws;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * A fault proxy in front of ElasticMQ that speaks the SQS JSON protocol (what AWS SDK v2 sends) and
 * adds two queue faults to {@link HttpFaultProxy}'s errors, delays and hangs:
 *
 * <ul>
 *   <li><b>duplicate delivery</b>: right after handing out a received message, the proxy makes it
 *       visible again (ChangeMessageVisibility 0, straight to ElasticMQ), so another consumer — a
 *       second worker or a second validator process — receives the same message while the first
 *       still works on it, as SQS's at-least-once delivery allows;</li>
 *   <li><b>lost receive</b> (delayed visibility): a ReceiveMessage answer is dropped on its way
 *       back, so its messages stay invisible until their visibility timeout lapses and then come
 *       again with a higher receive count.</li>
 * </ul>
 *
 * Decisions use their own seeded random sequence. Test-only.
 */
public final class SqsFaultProxy implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SqsFaultProxy.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RECEIVE = "AmazonSQS.ReceiveMessage";

    private final HttpFaultProxy proxy;
    private final SqsClient direct;
    private final ExecutorService visibility;
    private final Object lock = new Object();
    private Random random;
    private double duplicateFraction;
    private double loseFraction;
    private final AtomicLong duplicated = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong received = new AtomicLong();

    private SqsFaultProxy(URI elasticMq, long seed) {
        this.random = new Random(seed);
        this.direct = LocalAws.sqs(elasticMq);
        this.visibility = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "sqs-fault-proxy-visibility");
            t.setDaemon(true);
            return t;
        });
        try {
            this.proxy = HttpFaultProxy.builder("sqs", elasticMq).seed(seed + 1).interceptor(this::onResponse).start();
        } catch (RuntimeException e) {
            visibility.shutdownNow();
            direct.close();
            throw e;
        }
    }

    /** A proxy in front of the ElasticMQ at {@code elasticMq}, its draws seeded with {@code seed}. */
    public static SqsFaultProxy start(URI elasticMq, long seed) {
        return new SqsFaultProxy(Objects.requireNonNull(elasticMq, "elasticMq"), seed);
    }

    /** Where the service's SQS clients connect ({@code queue.sqs.endpoint}). */
    public URI endpoint() {
        return proxy.endpoint();
    }

    /** The underlying HTTP faults: throttling answers, delays and hangs of any SQS call. */
    public HttpFaultProxy http() {
        return proxy;
    }

    /** Makes each received message visible again at once with probability {@code fraction}. */
    public SqsFaultProxy duplicate(double fraction) {
        check(fraction);
        synchronized (lock) {
            duplicateFraction = fraction;
        }
        return this;
    }

    /** Drops each non-empty ReceiveMessage answer with probability {@code fraction}. */
    public SqsFaultProxy loseReceives(double fraction) {
        check(fraction);
        synchronized (lock) {
            loseFraction = fraction;
        }
        return this;
    }

    /** Turns every fault off, the HTTP ones included. */
    public SqsFaultProxy reset() {
        synchronized (lock) {
            duplicateFraction = 0;
            loseFraction = 0;
        }
        proxy.reset();
        return this;
    }

    /** Messages handed out, made visible again at once, and hidden by a dropped answer. */
    public record Stats(long received, long duplicated, long lost, HttpFaultProxy.Stats http) {
    }

    public Stats stats() {
        return new Stats(received.get(), duplicated.get(), lost.get(), proxy.stats());
    }

    private byte[] onResponse(HttpFaultProxy.Exchange request, int status, byte[] body) {
        if (status != 200 || !RECEIVE.equals(request.header("X-Amz-Target"))) {
            return body;
        }
        JsonNode answer;
        String queueUrl;
        try {
            answer = JSON.readTree(body);
            queueUrl = JSON.readTree(request.body()).path("QueueUrl").asText(null);
        } catch (IOException e) {
            return body;
        }
        JsonNode messages = answer.path("Messages");
        if (!messages.isArray() || messages.isEmpty() || queueUrl == null) {
            return body;
        }
        received.addAndGet(messages.size());
        boolean lose;
        boolean[] duplicate = new boolean[messages.size()];
        synchronized (lock) {
            lose = loseFraction > 0 && random.nextDouble() < loseFraction;
            for (int i = 0; i < duplicate.length; i++) {
                duplicate[i] = duplicateFraction > 0 && random.nextDouble() < duplicateFraction;
            }
        }
        if (lose) {
            lost.addAndGet(messages.size());
            ObjectNode empty = ((ObjectNode) answer).deepCopy();
            empty.set("Messages", JSON.createArrayNode());
            LOG.debug("SQS fault proxy: dropped an answer with {} message(s); they return after their visibility timeout",
                    messages.size());
            return empty.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        ArrayNode list = (ArrayNode) messages;
        for (int i = 0; i < duplicate.length; i++) {
            if (duplicate[i]) {
                String handle = list.get(i).path("ReceiptHandle").asText(null);
                String id = list.get(i).path("MessageId").asText("?");
                if (handle != null) {
                    duplicated.incrementAndGet();
                    visibility.execute(() -> makeVisible(queueUrl, handle, id));
                }
            }
        }
        return body;
    }

    private void makeVisible(String queueUrl, String handle, String messageId) {
        try {
            direct.changeMessageVisibility(b -> b.queueUrl(queueUrl).receiptHandle(handle).visibilityTimeout(0));
            LOG.debug("SQS fault proxy: message {} made visible again while its consumer works on it", messageId);
        } catch (SdkException e) {
            LOG.debug("SQS fault proxy: could not make message {} visible again (it was deleted already?): {}", messageId,
                    e.getMessage());
        }
    }

    @Override
    public void close() {
        proxy.close();
        visibility.shutdownNow();
        try {
            visibility.awaitTermination(Duration.ofSeconds(5).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        direct.close();
        LOG.info("SQS fault proxy stopped: {} message(s) handed out, {} duplicated, {} hidden by dropped answers",
                received.get(), duplicated.get(), lost.get());
    }

    private static void check(double fraction) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction must be between 0 and 1, got " + fraction);
        }
    }
}
