package io.lakemirror.testserver.spec;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.ApiOperation;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.Response;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import io.lakemirror.testserver.ServedExchange;
import io.swagger.v3.oas.models.responses.ApiResponses;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * lakeFS's {@code swagger.yml} (the copy in {@code /lakefs-api/}, lakeFS v1.84.0-3) as a checker of
 * exchanges: each request and its answer are validated against the operation they match, mismatches
 * that real lakeFS shares are allowed by {@link Departures}, and every other one is kept as unexpected.
 * One validator per JVM, built on first use (about a second); a check costs well under a millisecond
 * for the small JSON bodies lakeFS exchanges. Thread-safe.
 */
public final class LakeFsSpec {
    /** Where the vendored spec is on the classpath. */
    public static final String SPEC = "/lakefs-api/swagger.yml";
    /** The lakeFS version the vendored spec comes from. */
    public static final String SPEC_VERSION = "v1.84.0-3-g71a45eeb1 (71a45eeb1639d146d34b8effd7e86d077160ed7c)";
    private static final int KEEP_UNEXPECTED = 200;
    private static final String BODY_MISSING = "validation.response.body.missing";
    private static final java.util.Set<String> BINARY_ANSWERS = java.util.Set.of("getObject");

    private static final class Holder {
        private static final LakeFsSpec INSTANCE = new LakeFsSpec();
    }

    private static volatile boolean built;

    /** The operation the current thread's exchange matched, seen by the status check. */
    private static final ThreadLocal<String[]> OPERATION = new ThreadLocal<>();

    private final OpenApiInteractionValidator validator;
    private final LongAdder exchanges = new LongAdder();
    private final LongAdder requestsChecked = new LongAdder();
    private final Map<String, LongAdder> allowed = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> operations = new ConcurrentHashMap<>();
    private final AtomicLong unexpectedCount = new AtomicLong();
    private final List<String> unexpected = new CopyOnWriteArrayList<>();
    private final AtomicLong pending = new AtomicLong();
    private final ExecutorService checker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "lakefs-spec-check");
        t.setDaemon(true);
        return t;
    });

    private LakeFsSpec() {
        validator = OpenApiInteractionValidator.createForInlineApiSpecification(read())
                .withCustomResponseValidation(LakeFsSpec::declaredStatus)
                .build();
        built = true;
    }

    /** The checker if anything used it in this JVM, without building it otherwise. */
    public static Optional<LakeFsSpec> ifUsed() {
        return built ? Optional.of(get()) : Optional.empty();
    }

    /** The JVM's checker. */
    public static LakeFsSpec get() {
        return Holder.INSTANCE;
    }

    private static String read() {
        try (InputStream in = LakeFsSpec.class.getResourceAsStream(SPEC)) {
            if (in == null) {
                throw new IllegalStateException(SPEC + " is not on the classpath (lakefs-testserver's test resources)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * lakeFS's operations end with {@code default: ServerError}, meant for 5xx; a 4xx the operation does not
     * list is a departure from the spec even though the validator would take it as {@code default}.
     */
    private static ValidationReport declaredStatus(Response response, ApiOperation operation) {
        String[] seen = OPERATION.get();
        if (seen != null) {
            seen[0] = operation.getOperation().getOperationId();
        }
        int status = response.getStatus();
        ApiResponses declared = operation.getOperation().getResponses();
        if (status >= 400 && status < 500 && declared != null && !declared.containsKey(String.valueOf(status))) {
            return ValidationReport.singleton(ValidationReport.Message.create(Departures.UNDECLARED_STATUS,
                    "Response status " + status + " is not listed for " + operation.getOperation().getOperationId()
                            + " (only " + declared.keySet() + ")").build());
        }
        return ValidationReport.empty();
    }

    /**
     * Checks one exchange; returns the mismatches that no {@link Departure} allows (also kept for
     * {@link #unexpected()}).
     */
    public List<String> check(ServedExchange exchange) {
        return check(exchange, true);
    }

    /** The mismatches of {@code exchange} that no departure allows, without counting or keeping anything. */
    public List<String> mismatches(ServedExchange exchange) {
        return check(exchange, false);
    }

    private List<String> check(ServedExchange exchange, boolean record) {
        String[] operation = new String[] {"?"};
        OPERATION.set(operation);
        ValidationReport report;
        try {
            Request request = request(exchange);
            Response response = response(exchange);
            report = exchange.checkRequest()
                    ? validator.validate(request, response)
                    : validator.validateResponse(exchange.path(), request.getMethod(), response);
        } finally {
            OPERATION.remove();
        }
        String operationId = operation[0];
        if (record) {
            exchanges.increment();
            if (exchange.checkRequest()) {
                requestsChecked.increment();
            }
            operations.computeIfAbsent(operationId, k -> new LongAdder()).increment();
        }
        List<String> found = new ArrayList<>();
        for (ValidationReport.Message message : report.getMessages()) {
            if (message.getLevel() != ValidationReport.Level.ERROR) {
                continue;
            }
            String matched = message.getContext().flatMap(ValidationReport.MessageContext::getApiOperation)
                    .map(op -> op.getOperation().getOperationId()).orElse(operationId);
            if (BODY_MISSING.equals(message.getKey()) && BINARY_ANSWERS.contains(matched)) {
                // An object's bytes are not handed over (the schema says only "binary"), so there is nothing to check.
                continue;
            }
            if (!exchange.checkRequest() && message.getKey().startsWith("validation.request.")) {
                // A deliberately malformed or unknown request: only the answer is held to the spec.
                continue;
            }
            Optional<Departure> departure = Departures.allowing(matched, exchange.status(), message.getKey());
            if (departure.isPresent()) {
                if (record) {
                    allowed.computeIfAbsent(departure.get().id(), k -> new LongAdder()).increment();
                }
                continue;
            }
            String line = exchange.describe() + " [" + matched + "] " + message.getKey() + ": "
                    + message.getMessage().replace('\n', ' ');
            found.add(line);
            if (!record) {
                continue;
            }
            unexpectedCount.incrementAndGet();
            if (unexpected.size() < KEEP_UNEXPECTED) {
                unexpected.add(line);
            }
        }
        return found;
    }

    private static Request request(ServedExchange e) {
        SimpleRequest.Builder b = new SimpleRequest.Builder(e.method().toUpperCase(Locale.ROOT), e.path());
        e.query().forEach(b::withQueryParam);
        e.authorization().ifPresent(b::withAuthorization);
        e.requestContentType().ifPresent(b::withContentType);
        e.requestBody().ifPresent(b::withBody);
        return b.build();
    }

    private static Response response(ServedExchange e) {
        SimpleResponse.Builder b = SimpleResponse.Builder.status(e.status());
        e.responseContentType().ifPresent(b::withContentType);
        e.responseBody().ifPresent(b::withBody);
        return b.build();
    }

    /**
     * Checks {@code exchange} on the checker's own thread, so that a lakeFS test server's event loop only hands
     * it over; {@link #awaitChecked(Duration)} waits for every exchange handed over so far.
     */
    public void submit(ServedExchange exchange) {
        pending.incrementAndGet();
        checker.execute(() -> {
            try {
                check(exchange);
            } catch (RuntimeException e) {
                String line = exchange.describe() + ": the check itself failed: " + e;
                unexpectedCount.incrementAndGet();
                if (unexpected.size() < KEEP_UNEXPECTED) {
                    unexpected.add(line);
                }
            } finally {
                synchronized (pending) {
                    if (pending.decrementAndGet() == 0) {
                        pending.notifyAll();
                    }
                }
            }
        });
    }

    /** Waits until every submitted exchange is checked, at most {@code patience}; false if some still are not. */
    public boolean awaitChecked(Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        synchronized (pending) {
            while (pending.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    pending.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    /** Exchanges checked so far in this JVM. */
    public long exchanges() {
        return exchanges.sum();
    }

    /** Mismatches that no departure allows, so far. */
    public long unexpectedCount() {
        return unexpectedCount.get();
    }

    /** The first unexpected mismatches (at most 200), each with its exchange. */
    public List<String> unexpected() {
        return List.copyOf(unexpected);
    }

    /** One paragraph for the build log: counts, allowed departures by entry, unexpected mismatches. */
    public String summary() {
        StringBuilder s = new StringBuilder();
        s.append("lakeFS spec check: ").append(exchanges()).append(" exchanges validated against lakeFS's swagger.yml (")
                .append(SPEC_VERSION).append("), ").append(requestsChecked.sum()).append(" with their requests, over ")
                .append(operations.size()).append(" operations; ").append(unexpectedCount()).append(" unexpected mismatches; ")
                .append("allowed departures (").append(Departures.ALL.size()).append(" on the allow-list): ");
        if (allowed.isEmpty()) {
            s.append("none met");
        } else {
            List<String> parts = new ArrayList<>();
            allowed.forEach((id, n) -> parts.add(id + " " + n.sum()));
            parts.sort(String::compareTo);
            s.append(String.join(", ", parts));
        }
        unexpected().stream().limit(20).forEach(u -> s.append(System.lineSeparator()).append("  unexpected: ").append(u));
        return s.toString();
    }
}
