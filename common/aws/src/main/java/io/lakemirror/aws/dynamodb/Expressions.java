package io.lakemirror.aws.dynamodb;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Expression attribute names and values for hand-written expressions. Every attribute is written
 * as {@code #name} (so reserved words such as {@code name}, {@code state} or {@code type} need no
 * thought) and every value as {@code :placeholder}; DynamoDB rejects unused names and values, so
 * both maps hold exactly what the expressions use.
 */
final class Expressions {
    private static final Pattern NAME = Pattern.compile("#(\\w+)");
    private static final Pattern VALUE = Pattern.compile(":(\\w+)");

    private Expressions() {
    }

    /** {@code #attr → attr} for every {@code #attr} in the expressions. */
    static Map<String, String> names(String... expressions) {
        Map<String, String> names = new HashMap<>();
        for (String expression : expressions) {
            if (expression == null) {
                continue;
            }
            Matcher m = NAME.matcher(expression);
            while (m.find()) {
                names.put(m.group(), m.group(1));
            }
        }
        return names;
    }

    /**
     * The entries of {@code values} (keyed without the colon) that the expressions use, keyed with it.
     *
     * @throws IllegalArgumentException when an expression uses a placeholder without a value
     */
    static Map<String, AttributeValue> values(Map<String, AttributeValue> values, String... expressions) {
        Map<String, AttributeValue> used = new HashMap<>();
        for (String expression : expressions) {
            if (expression == null) {
                continue;
            }
            Matcher m = VALUE.matcher(expression);
            while (m.find()) {
                AttributeValue value = values.get(m.group(1));
                if (value == null) {
                    throw new IllegalArgumentException("no value for " + m.group() + " in " + expression);
                }
                used.put(m.group(), value);
            }
        }
        return used;
    }
}
