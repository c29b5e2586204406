package io.lakemirror.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class LoggingTest {
    private final PrintStream originalErr = System.err;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    @AfterEach
    void restore() {
        System.setErr(originalErr);
        Logging.configure("INFO", "text");
    }

    private List<String> logWith(String level, String format, Runnable logging) {
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        Logging.configure(level, format);
        logging.run();
        return captured.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void json_shouldWriteOneObjectPerLine_withTimeLevelLoggerMessageAndFields() throws Exception {
        Logger log = LoggerFactory.getLogger("io.lakemirror.test");
        List<String> lines = logWith("INFO", "json", () -> {
            try (var ignored = MDC.putCloseable("mirror", "m1")) {
                log.atInfo().addKeyValue("branch", "main").log("promoted {} commits", 3);
            }
            log.debug("not shown at INFO");
            log.warn("failed", new IllegalStateException("boom"));
        });

        assertThat(lines).hasSize(2);
        JsonNode first = new ObjectMapper().readTree(lines.get(0));
        assertThat(first.get("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(first.get("level").asText()).isEqualTo("INFO");
        assertThat(first.get("logger").asText()).isEqualTo("io.lakemirror.test");
        assertThat(first.get("message").asText()).isEqualTo("promoted 3 commits");
        assertThat(first.get("mirror").asText()).isEqualTo("m1");
        assertThat(first.get("branch").asText()).isEqualTo("main");
        JsonNode second = new ObjectMapper().readTree(lines.get(1));
        assertThat(second.get("error").asText()).isEqualTo("java.lang.IllegalStateException: boom");
    }

    @Test
    void text_shouldHonourTheLevel() {
        Logger log = LoggerFactory.getLogger("io.lakemirror.test");
        List<String> lines = logWith("WARN", "text", () -> {
            log.info("hidden");
            log.warn("shown");
        });

        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).contains("WARN").contains("io.lakemirror.test").endsWith("shown");
    }
}
