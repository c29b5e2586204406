package io.lakemirror.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code config check} on PostgreSQL configurations: accepted, defaults applied, passwords never printed. */
class ConfigCheckPostgresTest {
    private static final String PASSWORD = "pg-p@ss:w@rd";

    @TempDir
    Path dir;

    private record Run(int status, String out, String err) {
    }

    private Run check(String yaml) throws IOException {
        Path file = dir.resolve("replication.yaml");
        Files.writeString(file, yaml);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine(Map.of());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int status = cli.execute("config", "check", "--config", file.toString());
        return new Run(status, out.toString(), err.toString());
    }

    private static String base(String databases) {
        return """
                region: us-east-1
                organization_id: acme
                regional_endpoint: https://lakefs.us-east-1.example.com
                dst_endpoints:
                  eu-west-1: https://lakefs.eu-west-1.example.com
                lakefs:
                  access_key_id: AKIAIOSFODNN7EXAMPLE
                  secret_access_key: replication-secret
                blockstore:
                  type: s3
                auth:
                  encrypt:
                    secret_key: encrypt-secret
                """ + databases;
    }

    @Test
    void check_shouldAcceptAPostgresMirrorsDatabase_andMaskAPasswordThatContainsAt() throws IOException {
        Run run = check(base("""
                mirrors_database:
                  type: postgres
                  postgres:
                    connection_string: postgres://lakemirror:%s@db.example.com:5432/mirrors?sslmode=require
                    max_open_connections: 10
                """.formatted(PASSWORD)));

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("postgres://lakemirror:******@db.example.com:5432/mirrors?sslmode=require")
                .contains("max_open_connections: 10")
                .contains("connection_max_lifetime: 5m")
                .doesNotContain("p@ss").doesNotContain("w@rd").doesNotContain(PASSWORD);
        assertThat(run.out().replaceAll("(?s).*refstore_database:", "refstore_database:"))
                .as("the refstore shares the mirrors database and its pool settings")
                .contains("type: postgres").contains("max_open_connections: 10");
    }

    @Test
    void check_shouldPutTheRefstoreInLakeFsDatabase_whenLakeFsRunsOnPostgres_andRefstoreIsUnset() throws IOException {
        Run run = check(base("""
                mirrors_database:
                  type: dynamodb
                  dynamodb:
                    table_name: lakemirror-mirrors
                database:
                  type: postgres
                  postgres:
                    connection_string: postgres://lakefs:%s@lakefs-db:5432/lakefs
                """.formatted(PASSWORD)));

        assertThat(run.status()).as(run.err()).isZero();
        String refstore = run.out().replaceAll("(?s).*refstore_database:", "refstore_database:");
        assertThat(refstore).contains("type: postgres").contains("postgres://lakefs:******@lakefs-db:5432/lakefs");
        assertThat(run.out()).doesNotContain(PASSWORD).doesNotContain("w@rd");
    }

    @Test
    void check_shouldNameTheMissingConnectionString_whenTheTypeIsPostgres() throws IOException {
        Run run = check(base("""
                mirrors_database:
                  type: postgres
                """));

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("mirrors_database.postgres.connection_string is required when mirrors_database.type is postgres")
                .doesNotContain("not available");
    }
}
