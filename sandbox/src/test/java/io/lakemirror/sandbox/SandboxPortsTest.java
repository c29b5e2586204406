package io.lakemirror.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SandboxPortsTest {

    @Test
    void at_shouldGiveTheDocumentedPorts_forTheDefaultBase() {
        SandboxPorts ports = SandboxPorts.at(SandboxPorts.DEFAULT_BASE);

        assertThat(ports).isEqualTo(new SandboxPorts(18000, 18000, 18001, 18008, 18009, 18090, 18324, 18455));
        assertThat(ports.describe("us-east-1", "eu-west-1")).containsExactly(
                org.assertj.core.api.Assertions.entry(18000, "lakeFS of us-east-1"),
                org.assertj.core.api.Assertions.entry(18001, "lakeFS of eu-west-1"),
                org.assertj.core.api.Assertions.entry(18008, "replication API of us-east-1"),
                org.assertj.core.api.Assertions.entry(18009, "replication API of eu-west-1"),
                org.assertj.core.api.Assertions.entry(18090, "S3"),
                org.assertj.core.api.Assertions.entry(18324, "SQS"),
                org.assertj.core.api.Assertions.entry(18455, "DynamoDB"));
    }

    @Test
    void at_shouldMoveEveryPortWithTheBase() {
        SandboxPorts ports = SandboxPorts.at(19000);

        assertThat(ports).isEqualTo(new SandboxPorts(19000, 19000, 19001, 19008, 19009, 19090, 19324, 19455));
    }

    @Test
    void at_shouldPickFreePortsEverywhere_whenTheBaseIsZero() {
        SandboxPorts ports = SandboxPorts.at(0);

        assertThat(ports.free()).isTrue();
        assertThat(ports).isEqualTo(new SandboxPorts(0, 0, 0, 0, 0, 0, 0, 0));
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 1, 1023, 65081, 70000})
    void at_shouldRejectABase_whoseHighestPortIsNoPortOrPrivileged(int base) {
        assertThatThrownBy(() -> SandboxPorts.at(base))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--port-base must be 0 (free ports) or between 1024 and 65080");
    }
}
