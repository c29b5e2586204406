package io.lakemirror.domain;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A lakeFS storage namespace on S3, {@code s3://bucket/prefix}: where a repository keeps its data
 * objects and its {@code _lakefs/} metadata files. The prefix may be empty; it never ends with '/'.
 */
public record StorageNamespace(String value) {
    private static final Pattern SHAPE = Pattern.compile(
            "^s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:/(.*))?$");
    public static final IdentifierRule RULE = new IdentifierRule(
            "storage namespace", SHAPE,
            "must be an S3 URI s3://<bucket>[/<prefix>] with a valid bucket name"
                    + " (3 to 63 lowercase letters, digits, dots or hyphens)");

    public StorageNamespace {
        RULE.check(value);
        String prefix = matcher(value).group(2);
        if (prefix != null && (prefix.startsWith("/") || prefix.contains("//"))) {
            throw new InvalidIdentifierException("invalid storage namespace \"" + value
                    + "\": the key prefix must not contain empty path segments");
        }
        value = value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
    }

    public static StorageNamespace of(String value) {
        return new StorageNamespace(value);
    }

    public String bucket() {
        return matcher(value).group(1);
    }

    /** The key prefix inside the bucket, without leading or trailing '/'; empty at the bucket root. */
    public String prefix() {
        String prefix = matcher(value).group(2);
        return prefix == null ? "" : prefix;
    }

    /** The bucket key of an object stored under this namespace at a lakeFS RELATIVE address. */
    public String key(String relative) {
        String rel = relative.startsWith("/") ? relative.substring(1) : relative;
        return prefix().isEmpty() ? rel : prefix() + "/" + rel;
    }

    /** The bucket key of a metarange or range file. */
    public String metadataKey(MetaRangeId id) {
        return key(id.relativeKey());
    }

    public String metadataKey(RangeId id) {
        return key(id.relativeKey());
    }

    private static Matcher matcher(String value) {
        Matcher m = SHAPE.matcher(value);
        if (!m.matches()) {
            throw new IllegalStateException("unreachable: validated namespace " + value);
        }
        return m;
    }

    @Override
    public String toString() {
        return value;
    }
}
