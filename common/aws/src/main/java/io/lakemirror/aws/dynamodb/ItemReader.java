package io.lakemirror.aws.dynamodb;

import io.lakemirror.domain.CorruptDataException;
import io.lakemirror.domain.InvalidInputException;
import io.lakemirror.domain.NonRetryableException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Reads the attributes of one stored item, naming the item and the attribute in every error: a
 * stored item that cannot be read is corrupt data, never a stack trace without context.
 */
final class ItemReader {
    private final Map<String, AttributeValue> item;
    private final String where;

    private ItemReader(Map<String, AttributeValue> item, String where) {
        this.item = item;
        this.where = where;
    }

    /**
     * A reader for a top-level item of {@code type}, after checking its type and schema version.
     *
     * @throws NonRetryableException when a newer lakemirror wrote the item
     * @throws CorruptDataException  when the item is not of {@code type} or misses its version
     */
    static ItemReader of(Map<String, AttributeValue> item, String table, String type) {
        String where = "item " + describeKey(item) + " of DynamoDB table " + table;
        ItemReader reader = new ItemReader(item, where);
        long version = reader.number(ItemCodec.SCHEMA_VERSION_ATTR);
        if (version > ItemCodec.SCHEMA_VERSION) {
            throw new NonRetryableException(where + " has schema_version " + version + " but this lakemirror reads"
                    + " versions up to " + ItemCodec.SCHEMA_VERSION + ": a newer lakemirror wrote it; upgrade this"
                    + " process to the version of the other regions (not retried until then)");
        }
        if (version < 1) {
            throw reader.corrupt(ItemCodec.SCHEMA_VERSION_ATTR + " is " + version + ", versions start at 1");
        }
        String actual = reader.string(ItemCodec.TYPE_ATTR);
        if (!actual.equals(type)) {
            throw reader.corrupt(ItemCodec.TYPE_ATTR + " is \"" + actual + "\", expected \"" + type + "\"");
        }
        return reader;
    }

    static String describeKey(Map<String, AttributeValue> item) {
        AttributeValue pk = item.get(TableKeys.PK);
        AttributeValue sk = item.get(TableKeys.SK);
        return "(pk=" + (pk == null ? "?" : pk.s()) + ", sk=" + (sk == null ? "?" : sk.s()) + ")";
    }

    CorruptDataException corrupt(String problem) {
        return new CorruptDataException(where + ": " + problem + "; fix or delete the item (not retried, reading it"
                + " again fails the same way)");
    }

    private CorruptDataException corrupt(String problem, Throwable cause) {
        return new CorruptDataException(where + ": " + problem + "; fix or delete the item (not retried, reading it"
                + " again fails the same way)", cause);
    }

    private AttributeValue required(String name) {
        AttributeValue value = item.get(name);
        if (value == null || Boolean.TRUE.equals(value.nul())) {
            throw corrupt("attribute " + name + " is missing");
        }
        return value;
    }

    boolean has(String name) {
        AttributeValue value = item.get(name);
        return value != null && !Boolean.TRUE.equals(value.nul());
    }

    String string(String name) {
        AttributeValue value = required(name);
        if (value.s() == null) {
            throw corrupt("attribute " + name + " must be a string (S), got " + value.type());
        }
        return value.s();
    }

    Optional<String> optionalString(String name) {
        return has(name) ? Optional.of(string(name)) : Optional.empty();
    }

    long number(String name) {
        AttributeValue value = required(name);
        if (value.n() == null) {
            throw corrupt("attribute " + name + " must be a number (N), got " + value.type());
        }
        try {
            return Long.parseLong(value.n());
        } catch (NumberFormatException e) {
            throw corrupt("attribute " + name + " must be an integer, got " + value.n(), e);
        }
    }

    int intNumber(String name) {
        long value = number(name);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw corrupt("attribute " + name + " is out of range: " + value);
        }
        return (int) value;
    }

    boolean bool(String name) {
        AttributeValue value = required(name);
        if (value.bool() == null) {
            throw corrupt("attribute " + name + " must be a boolean (BOOL), got " + value.type());
        }
        return value.bool();
    }

    Instant instant(String name) {
        String text = string(name);
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw corrupt("attribute " + name + " must be an ISO-8601 instant, got \"" + text + "\"", e);
        }
    }

    Optional<Instant> optionalInstant(String name) {
        return has(name) ? Optional.of(instant(name)) : Optional.empty();
    }

    List<String> strings(String name) {
        AttributeValue value = required(name);
        if (!value.hasL()) {
            throw corrupt("attribute " + name + " must be a list (L), got " + value.type());
        }
        List<String> out = new ArrayList<>(value.l().size());
        for (AttributeValue element : value.l()) {
            if (element.s() == null) {
                throw corrupt("attribute " + name + " must hold strings only, got " + element.type());
            }
            out.add(element.s());
        }
        return out;
    }

    /** A list of maps, each read with {@code decode}; an empty list when the attribute is absent. */
    <T> List<T> optionalMaps(String name, Function<ItemReader, T> decode) {
        if (!has(name)) {
            return List.of();
        }
        AttributeValue value = required(name);
        if (!value.hasL()) {
            throw corrupt("attribute " + name + " must be a list (L), got " + value.type());
        }
        List<T> out = new ArrayList<>(value.l().size());
        for (int i = 0; i < value.l().size(); i++) {
            AttributeValue element = value.l().get(i);
            if (!element.hasM()) {
                throw corrupt("attribute " + name + " must hold maps only, got " + element.type() + " at " + i);
            }
            out.add(decode.apply(new ItemReader(element.m(), where + ", attribute " + name + "[" + i + "]")));
        }
        return out;
    }

    /** A map attribute, read with the same error context. */
    ItemReader map(String name) {
        AttributeValue value = required(name);
        if (!value.hasM()) {
            throw corrupt("attribute " + name + " must be a map (M), got " + value.type());
        }
        return new ItemReader(value.m(), where + ", attribute " + name);
    }

    <T> Optional<T> optionalMap(String name, Function<ItemReader, T> decode) {
        return has(name) ? Optional.of(decode.apply(map(name))) : Optional.empty();
    }

    /**
     * Builds a value from attributes with an identifier or constructor check of their own; their
     * failures become corrupt-data errors naming this item.
     */
    <T> T decode(String what, Supplier<T> build) {
        try {
            return build.get();
        } catch (CorruptDataException e) {
            throw e;
        } catch (InvalidInputException | IllegalArgumentException | NullPointerException e) {
            throw corrupt(what + " is invalid: " + e.getMessage(), e);
        }
    }
}
