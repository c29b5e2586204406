package io.lakemirror.infra.constructs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakemirror.config.ConfigKey;
import io.lakemirror.config.ConfigKeys;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.secretsmanager.Secret;

class ServiceEnvironmentTest {

    @Test
    void variables_shouldBeNamedByTheServicesConfigKeys() {
        ServiceEnvironment env = ServiceEnvironment.builder()
                .set(ConfigKeys.VALIDATOR_NUM_WORKERS, "8")
                .set(ConfigKeys.DST_ENDPOINTS, "eu-west-1=https://lakefs.eu-west-1.example.com")
                .build();

        assertThat(env.variables()).containsOnly(
                java.util.Map.entry("REPLICATION_VALIDATOR_NUM_WORKERS", "8"),
                java.util.Map.entry("REPLICATION_DST_ENDPOINTS", "eu-west-1=https://lakefs.eu-west-1.example.com"));
    }

    @Test
    void with_shouldReplaceOneKey_andLeaveTheOriginalUnchanged() {
        ServiceEnvironment base = ServiceEnvironment.builder().set(ConfigKeys.LOGGING_LEVEL, "INFO").build();

        ServiceEnvironment debug = base.with(ConfigKeys.LOGGING_LEVEL, "DEBUG");

        assertThat(debug.value(ConfigKeys.LOGGING_LEVEL)).contains("DEBUG");
        assertThat(base.value(ConfigKeys.LOGGING_LEVEL)).contains("INFO");
    }

    static Stream<Arguments> invalidValues() {
        return Stream.of(
                Arguments.of(ConfigKeys.VALIDATOR_NUM_WORKERS, "0", "0 is out of range"),
                Arguments.of(ConfigKeys.REGIONAL_ENDPOINT, "lakefs:8000", "is not an http(s) URL"),
                Arguments.of(ConfigKeys.COMMIT_SENSOR_PROCESS_BRANCHES_DURATION, "soon", "commit_sensor"),
                Arguments.of(ConfigKeys.DST_ENDPOINTS, "https://lakefs.example.com", "is not a key=value pair"),
                Arguments.of(ConfigKeys.LOGGING_FORMAT, "xml", "logging.format"),
                Arguments.of(ConfigKeys.REGION, "Europe", "invalid region"));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("invalidValues")
    void set_shouldRejectValue_whenTheServiceWouldRejectIt(ConfigKey<?> key, String value, String message) {
        assertThatThrownBy(() -> ServiceEnvironment.builder().set(key, value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(key.envName())
                .hasMessageContaining(message);
    }

    @Test
    void set_shouldRefuseSecretKey_soNoSecretLandsInTheTaskDefinition() {
        assertThatThrownBy(() -> ServiceEnvironment.builder().set(ConfigKeys.LAKEFS_SECRET_ACCESS_KEY, "s3cr3t"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lakefs.secret_access_key is a secret")
                .hasMessageNotContaining("s3cr3t");
    }

    @Test
    void secret_shouldMapSecretKeysToContainerSecrets_andRefusePlainKeys() {
        Stack stack = new Stack(new App(), "Secrets");
        var secret = Secret.fromSecretNameV2(stack, "Key", "lakemirror/auth-encrypt-secret-key");

        ServiceEnvironment env = ServiceEnvironment.builder().secret(ConfigKeys.AUTH_ENCRYPT_SECRET_KEY, secret).build();

        assertThat(env.containerSecrets()).containsOnlyKeys("REPLICATION_AUTH_ENCRYPT_SECRET_KEY");
        assertThat(env.variables()).isEmpty();
        assertThatThrownBy(() -> ServiceEnvironment.builder().secret(ConfigKeys.REGION, secret))
                .hasMessageContaining("region is not a secret");
    }

    @Test
    void key_shouldFindKeysByDottedName_andNameAnUnknownOne() {
        assertThat(ServiceEnvironment.key("validator.num_workers")).isSameAs(ConfigKeys.VALIDATOR_NUM_WORKERS);
        assertThatThrownBy(() -> ServiceEnvironment.key("validator.workers"))
                .hasMessageContaining("\"validator.workers\" is not a configuration key");
    }
}
