package io.lakemirror.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Configures logging from {@code logging.level} and {@code logging.format}, replacing any file-based setup. */
public final class Logging {
    /** Libraries that are chatty at INFO; kept at WARN unless the level asks for more detail. */
    private static final List<String> NOISY = List.of(
            "software.amazon.kinesis", "software.amazon.awssdk", "com.amazonaws", "io.netty", "org.apache.pekko",
            "org.elasticmq", "org.springframework", "com.adobe.testing", "org.apache.catalina", "org.apache.coyote",
            "org.apache.tomcat");

    private Logging() {
    }

    /**
     * @param level  TRACE, DEBUG, INFO, WARN or ERROR
     * @param format text or json
     */
    public static void configure(String level, String format) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        context.reset();
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName("console");
        appender.setTarget("System.err");
        if ("json".equals(format)) {
            LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
            JsonLineLayout layout = new JsonLineLayout();
            layout.setContext(context);
            layout.start();
            encoder.setLayout(layout);
            encoder.setContext(context);
            encoder.start();
            appender.setEncoder(encoder);
        } else {
            PatternLayoutEncoder encoder = new PatternLayoutEncoder();
            encoder.setContext(context);
            encoder.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{36} - %msg%kvp{NONE}%n");
            encoder.start();
            appender.setEncoder(encoder);
        }
        appender.start();
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        Level rootLevel = Level.toLevel(level, Level.INFO);
        root.setLevel(rootLevel);
        root.addAppender(appender);
        Level noisy = rootLevel.isGreaterOrEqual(Level.INFO) ? Level.WARN : Level.INFO;
        NOISY.forEach(name -> context.getLogger(name).setLevel(noisy));
    }
}
