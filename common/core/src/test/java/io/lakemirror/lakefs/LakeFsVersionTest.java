package io.lakemirror.lakefs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LakeFsVersionTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "1.84.0, 1.84.0",
        "v1.11.0, 1.11.0",
        "' 1.11.1 ', 1.11.1",
        "1.10.0-rc1, 1.10.0",
        "1.53.1-2f3e4d5, 1.53.1",
        "1.20.0+build7, 1.20.0",
        "0.113.0, 0.113.0",
    })
    void parse_shouldReadTheRelease_whenTextNamesOne(String text, String release) {
        assertThat(LakeFsVersion.parse(text)).map(LakeFsVersion::toString).hasValue(release);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "dev-abc123", "sha-1a2b3c", "", "1.11", "latest", "1.x.0", "lakemirror-testserver"})
    void parse_shouldBeEmpty_whenTextNamesNoRelease(String text) {
        assertThat(LakeFsVersion.parse(text)).isEqualTo(Optional.empty());
    }

    @ParameterizedTest(name = "{0} at least 1.11.0: {1}")
    @CsvSource({
        "1.10.9, false",
        "1.10.0, false",
        "0.999.999, false",
        "1.11.0, true",
        "1.11.1, true",
        "1.84.0, true",
        "2.0.0, true",
    })
    void isAtLeast_shouldCompareNumerically_notAsText(String text, boolean supported) {
        assertThat(LakeFsVersion.parse(text).orElseThrow().isAtLeast(LakeFsVersion.MINIMUM)).isEqualTo(supported);
    }

    @ParameterizedTest
    @CsvSource({"dev, true", "dev-1a2b, true", "sha-1a2b3c, true", "1.84.0, false", "development, true", "v1.2.3, false"})
    void isUnreleasedBuild_shouldFollowLakeFsRule(String text, boolean unreleased) {
        assertThat(LakeFsVersion.isUnreleasedBuild(text)).isEqualTo(unreleased);
    }
}
