package io.lakemirror.config;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

class SecretMaskingTest {
    private static final String[] SECRETS = {"s3cr3t-lakefs-key", "s3cr3t-encrypt-key", "aws-s3cr3t", "pg-s3cr3t"};

    @TempDir
    Path dir;

    private ReplicationConfig configWithEverySecret() throws IOException {
        Path file = dir.resolve("c.yaml");
        Files.writeString(file, ConfigLoaderTest.MINIMAL + """
                aws:
                  access_key_id: AKIAEXAMPLE
                  secret_access_key: aws-s3cr3t
                refstore_database:
                  type: dynamodb
                  dynamodb:
                    table_name: refs
                """);
        return ConfigLoader.load(Optional.of(file), Map.of());
    }

    @Test
    void toYaml_shouldMaskEverySecret() throws IOException {
        String yaml = ConfigPrinter.toYaml(configWithEverySecret().values());

        for (String secret : SECRETS) {
            assertThat(yaml).doesNotContain(secret);
        }
        assertThat(yaml).containsPattern("secret_access_key: '?\\*{6}'?").containsPattern("secret_key: '?\\*{6}'?")
                .contains("access_key_id: AKIAREPLICATION");
    }

    @Test
    void toLogLine_shouldMaskEverySecret_whenTheConfigurationIsLogged() throws IOException {
        Logger logger = (Logger) LoggerFactory.getLogger("masking-test");
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        logger.addAppender(captured);
        try {
            ReplicationConfig config = configWithEverySecret();
            logger.info("configuration: {}", ConfigPrinter.toLogLine(config.values()));
            logger.info("credentials {}", config.lakeFsCredentials());
        } finally {
            logger.detachAppender(captured);
        }

        assertThat(captured.list).hasSize(2);
        for (ILoggingEvent event : captured.list) {
            for (String secret : SECRETS) {
                assertThat(event.getFormattedMessage()).doesNotContain(secret);
            }
        }
        assertThat(captured.list.get(0).getFormattedMessage()).contains("lakefs.secret_access_key=" + Secret.MASK);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "postgres://app:pg-s3cr3t@db:5432/mirrors | postgres://app:******@db:5432/mirrors",
        "postgres://db:5432/mirrors?user=app&password=pg-s3cr3t&sslmode=require | postgres://db:5432/mirrors?user=app&password=******&sslmode=require",
        "host=db user=app password='pg s3cr3t' dbname=x | host=db user=app password=****** dbname=x",
        "postgres://db/mirrors | postgres://db/mirrors",
        "postgres://app:p@ss@word@db:5432/mirrors | postgres://app:******@db:5432/mirrors",
        "postgresql://app:p@ss:w@rd@db/mirrors?sslmode=disable&application_name=a@b | postgresql://app:******@db/mirrors?sslmode=disable&application_name=a@b"})
    void maskConnectionString_shouldHideOnlyThePassword(String connection, String masked) {
        assertThat(Masking.maskConnectionString(connection)).isEqualTo(masked);
    }

    @Test
    void secret_shouldNeverPrintItself() {
        assertThat(new Secret("pg-s3cr3t")).hasToString(Secret.MASK);
        assertThat(String.valueOf(new ReplicationConfig.LakeFsCredentials("AKIA", new Secret("pg-s3cr3t"))))
                .doesNotContain("pg-s3cr3t");
    }
}
