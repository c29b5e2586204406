package io.lakemirror.lakefs.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakemirror.config.Secret;
import io.lakemirror.domain.InvalidInputException;
import io.lakemirror.lakefs.LakeFs;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SdkLakeFsFactoryTest {

    @Test
    void forEndpoint_shouldReuseOneClientPerEndpoint() {
        try (SdkLakeFsFactory factory = new SdkLakeFsFactory("AKIA", new Secret("secret"))) {
            LakeFs east = factory.forEndpoint(URI.create("http://lakefs.east:8000"));

            assertThat(factory.forEndpoint(URI.create("http://lakefs.east:8000"))).isSameAs(east);
            assertThat(factory.forEndpoint(URI.create("http://lakefs.west:8000"))).isNotSameAs(east);
        }
    }

    @ParameterizedTest
    @CsvSource({
        "http://lakefs:8000, http://lakefs:8000",
        "http://lakefs:8000/, http://lakefs:8000",
        "http://lakefs:8000/api/v1, http://lakefs:8000",
        "https://lakefs.example.com/prefix/, https://lakefs.example.com/prefix",
    })
    void create_shouldTakeTheBaseUrl_withOrWithoutApiPath(String given, String expected) {
        try (SdkLakeFs client = SdkLakeFs.create(URI.create(given), "AKIA", new Secret("secret"))) {
            assertThat(client.endpoint()).hasToString(expected);
        }
    }

    @Test
    void create_shouldRefuseNonHttpEndpoints() {
        assertThatThrownBy(() -> SdkLakeFs.create(URI.create("s3://bucket"), "AKIA", new Secret("secret")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("http or https");
    }

    @Test
    void settings_shouldRefuseZeroAttempts() {
        assertThatThrownBy(() -> SdkLakeFs.Settings.DEFAULTS.withMaxAttempts(0))
                .isInstanceOf(InvalidInputException.class);
    }
}
