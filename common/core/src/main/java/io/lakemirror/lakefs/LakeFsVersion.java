package io.lakemirror.lakefs;

import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A lakeFS release number as {@code GET /config/version} reports it ({@link LakeFs#version()}):
 * {@code major.minor.patch}, optionally with a leading {@code v} and a suffix after {@code -} or
 * {@code +} (a pre-release or a build), which the comparison ignores.
 *
 * @param major the major version
 * @param minor the minor version
 * @param patch the patch version
 */
public record LakeFsVersion(int major, int minor, int patch) implements Comparable<LakeFsVersion> {
    /**
     * The oldest lakeFS the service runs against: before 1.11.0, {@code POST /repositories?bare=true}
     * ignored {@code read_only} (fixed by treeverse/lakeFS#7458), so a mirror would be created writable.
     * See docs/design/lakefs-facts.md §1.4.
     */
    public static final LakeFsVersion MINIMUM = new LakeFsVersion(1, 11, 0);

    private static final Pattern RELEASE = Pattern.compile("^v?(\\d{1,6})\\.(\\d{1,6})\\.(\\d{1,6})(?:[-+].*)?$");
    private static final Comparator<LakeFsVersion> ORDER = Comparator.comparingInt(LakeFsVersion::major)
            .thenComparingInt(LakeFsVersion::minor).thenComparingInt(LakeFsVersion::patch);

    public LakeFsVersion {
        if (major < 0 || minor < 0 || patch < 0) {
            throw new IllegalArgumentException("version numbers must not be negative: " + major + "." + minor + "." + patch);
        }
    }

    /** The release {@code text} names, or empty when it names none (for example {@code dev}). */
    public static Optional<LakeFsVersion> parse(String text) {
        Matcher m = RELEASE.matcher(Objects.requireNonNull(text, "text").strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new LakeFsVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3))));
    }

    /**
     * Whether {@code text} is what an unreleased lakeFS build reports: lakeFS's own rule
     * ({@code pkg/version}): {@code dev} (the default of a build from source) or a {@code sha-} prefix.
     */
    public static boolean isUnreleasedBuild(String text) {
        String t = Objects.requireNonNull(text, "text").strip();
        return t.startsWith("dev") || t.startsWith("sha-");
    }

    public boolean isAtLeast(LakeFsVersion other) {
        return compareTo(other) >= 0;
    }

    @Override
    public int compareTo(LakeFsVersion other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
