package io.lakemirror.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and prints durations the way lakeFS configuration writes them: {@code 500ms}, {@code 20s}, {@code 1m30s}, {@code 1h}. */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h)");
    private static final Pattern WHOLE = Pattern.compile("^(?:\\d+(?:ms|s|m|h))+$");

    private Durations() {
    }

    /**
     * @throws IllegalArgumentException with a message that shows accepted forms
     */
    public static Duration parse(String text) {
        String s = text == null ? "" : text.trim();
        if (!WHOLE.matcher(s).matches()) {
            throw new IllegalArgumentException("\"" + text + "\" is not a duration: use a number with a unit"
                    + " ms, s, m or h, for example 500ms, 20s, 1m or 1m30s");
        }
        Duration total = Duration.ZERO;
        Matcher m = PART.matcher(s);
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            });
        }
        return total;
    }

    /** The shortest exact form, for example {@code 1m30s} or {@code 500ms}. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        long hours = d.toHours();
        int minutes = d.toMinutesPart();
        int seconds = d.toSecondsPart();
        int millis = d.toMillisPart();
        if (hours > 0) {
            out.append(hours).append('h');
        }
        if (minutes > 0) {
            out.append(minutes).append('m');
        }
        if (seconds > 0) {
            out.append(seconds).append('s');
        }
        if (millis > 0) {
            out.append(millis).append("ms");
        }
        return out.toString();
    }
}
