package io.lakemirror.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.event.KeyValuePair;

/**
 * One JSON object per line: {@code time}, {@code level}, {@code logger}, {@code message}, then the
 * MDC and key-value fields, then {@code error} when an exception was logged.
 */
public class JsonLineLayout extends LayoutBase<ILoggingEvent> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String doLayout(ILoggingEvent event) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", Instant.ofEpochMilli(event.getTimeStamp()).toString());
        line.put("level", event.getLevel().toString());
        line.put("logger", event.getLoggerName());
        line.put("message", event.getFormattedMessage());
        line.put("thread", event.getThreadName());
        event.getMDCPropertyMap().forEach(line::putIfAbsent);
        if (event.getKeyValuePairs() != null) {
            for (KeyValuePair kv : event.getKeyValuePairs()) {
                line.putIfAbsent(kv.key, kv.value == null ? null : String.valueOf(kv.value));
            }
        }
        IThrowableProxy error = event.getThrowableProxy();
        if (error != null) {
            line.put("error", error.getClassName() + ": " + error.getMessage());
            line.put("stack", ThrowableProxyUtil.asString(error));
        }
        try {
            return JSON.writeValueAsString(line) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            return "{\"level\":\"ERROR\",\"message\":\"cannot format log event\"}" + System.lineSeparator();
        }
    }
}
