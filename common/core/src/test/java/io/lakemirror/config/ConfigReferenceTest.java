package io.lakemirror.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConfigReferenceTest {
    /** Surefire runs in the module directory; the reference lives in the repository's docs. */
    private static final Path REFERENCE = Path.of("..", "..", "docs", "configuration.md");

    @Test
    void reference_shouldMatchTheKeyDeclarations() throws IOException {
        String generated = ConfigReference.markdown();
        if (Boolean.getBoolean("lakemirror.updateDocs")) {
            Files.writeString(REFERENCE, generated);
        }
        assertThat(Files.exists(REFERENCE))
                .as("docs/configuration.md is missing: run bin/replication config reference --output docs/configuration.md")
                .isTrue();
        assertThat(Files.readString(REFERENCE))
                .as("docs/configuration.md is out of date with ConfigKeys: run"
                        + " bin/replication config reference --output docs/configuration.md")
                .isEqualTo(generated);
    }

    @Test
    void reference_shouldListEveryKeyWithItsEnvironmentVariable() {
        String generated = ConfigReference.markdown();
        for (ConfigKey<?> key : ConfigKeys.ALL) {
            assertThat(generated).contains("`" + key.name() + "`").contains("`" + key.envName() + "`");
        }
    }
}
