package io.lakemirror.infra.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.lakemirror.launcher.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * The chart in {@code infra/helm/lakemirror}, rendered and linted by Helm itself (helm-java runs
 * Helm's Go code in-process), with lakeFS's own replication values as lakeFS documents them.
 */
class ChartTest {
    /** Surefire runs in the module directory. */
    private static final Path CHART = Path.of("lakemirror");
    private static final Path VALUES = Path.of("src/test/resources/lakefs-values");
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final List<String> WORKERS = List.of("sensor", "validator", "promoter", "api");

    @TempDir
    Path tmp;

    private static List<JsonNode> render(String valuesFile, String... sets) throws IOException {
        TemplateCommand template = new Helm(CHART).template().withName("lakefs").withNamespace("mirroring")
                .withValuesFile(VALUES.resolve(valuesFile));
        for (int i = 0; i + 1 < sets.length; i += 2) {
            template = template.set(sets[i], sets[i + 1]);
        }
        // helm-java answers null, not "", when nothing renders.
        String manifests = Objects.requireNonNullElse(template.call(), "");
        List<JsonNode> objects = new ArrayList<>();
        try (JsonParser parser = YAML.getFactory().createParser(manifests)) {
            YAML.readValues(parser, JsonNode.class).forEachRemaining(n -> {
                if (n != null && !n.isNull() && !n.isEmpty()) {
                    objects.add(n);
                }
            });
        }
        return objects;
    }

    private static List<JsonNode> ofKind(List<JsonNode> objects, String kind) {
        return objects.stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
    }

    private static JsonNode container(JsonNode deployment) {
        return deployment.at("/spec/template/spec/containers/0");
    }

    private static String name(JsonNode object) {
        return object.at("/metadata/name").asText();
    }

    @ParameterizedTest
    @ValueSource(strings = {"single-region.yaml", "two-region-us-east-1.yaml", "two-region-us-west-2.yaml"})
    void chart_shouldRenderAndLintStrictly_whenGivenLakeFsReplicationValues(String values) throws IOException {
        assertThat(ofKind(render(values), "Deployment")).hasSize(4);

        // helm lint reads the chart's values.yaml: lint a copy whose values are lakeFS's.
        Path copy = tmp.resolve("lakemirror");
        try (Stream<Path> files = Files.walk(CHART)) {
            for (Path f : files.toList()) {
                Path target = copy.resolve(CHART.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
        ObjectNode merged = (ObjectNode) YAML.readTree(CHART.resolve("values.yaml").toFile());
        JsonNode example = YAML.readTree(VALUES.resolve(values).toFile());
        merge(merged, (ObjectNode) example);
        YAML.writeValue(copy.resolve("values.yaml").toFile(), merged);
        LintResult lint = new Helm(copy).lint().strict().call();

        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    }

    /** Helm's own merge of a values file over the chart's values: maps merge key by key, anything else replaces. */
    private static void merge(ObjectNode into, ObjectNode from) {
        from.fields().forEachRemaining(e -> {
            JsonNode current = into.get(e.getKey());
            if (current instanceof ObjectNode currentMap && e.getValue() instanceof ObjectNode fromMap) {
                merge(currentMap, fromMap);
            } else {
                into.set(e.getKey(), e.getValue());
            }
        });
    }

    @Test
    void chart_shouldLint_whenGivenItsOwnDefaults() {
        LintResult lint = new Helm(CHART).lint().strict().call();

        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"workers", "all"})
    void deployments_shouldEachHaveProbesResourcesADisruptionBudgetAndScrapeAnnotations(String mode) throws IOException {
        List<JsonNode> objects = render("single-region.yaml", "replication.mode", mode);
        List<JsonNode> deployments = ofKind(objects, "Deployment");

        assertThat(deployments).isNotEmpty();
        for (JsonNode d : deployments) {
            JsonNode c = container(d);
            assertThat(c.at("/readinessProbe/httpGet/path").asText()).as(name(d)).isEqualTo("/healthcheck");
            assertThat(c.at("/livenessProbe/httpGet/path").asText()).as(name(d)).isEqualTo("/healthcheck/live");
            assertThat(c.at("/readinessProbe/httpGet/port").asText()).isEqualTo("health");
            assertThat(c.at("/resources/requests/cpu").asText()).as(name(d)).isNotEmpty();
            assertThat(c.at("/resources/limits/memory").asText()).as(name(d)).isNotEmpty();
            JsonNode annotations = d.at("/spec/template/metadata/annotations");
            assertThat(annotations.get("prometheus.io/scrape").asText()).isEqualTo("true");
            assertThat(annotations.get("prometheus.io/port").asText()).isEqualTo("8009");
            assertThat(annotations.get("prometheus.io/path").asText()).isEqualTo("/metrics");
            assertThat(d.at("/spec/template/spec/securityContext/runAsNonRoot").asBoolean()).isTrue();
            JsonNode selector = d.at("/spec/selector/matchLabels");
            assertThat(ofKind(objects, "PodDisruptionBudget")).as("a budget selecting " + name(d))
                    .anySatisfy(pdb -> assertThat(pdb.at("/spec/selector/matchLabels")).isEqualTo(selector));
        }
        JsonNode service = ofKind(objects, "Service").get(0);
        String apiComponent = mode.equals("all") ? "all" : "api";
        assertThat(service.at("/spec/selector/app.kubernetes.io~1component").asText()).isEqualTo(apiComponent);
        assertThat(service.at("/spec/ports/0/targetPort").asText()).isEqualTo("http");
    }

    @Test
    void deployments_shouldRunOneWorkerEach_whenModeIsWorkers() throws IOException {
        List<JsonNode> deployments = ofKind(render("single-region.yaml"), "Deployment");

        assertThat(deployments).extracting(d -> container(d).at("/args/0").asText()).containsExactlyInAnyOrderElementsOf(WORKERS);
        assertThat(deployments).allSatisfy(d -> {
            assertThat(container(d).get("image").asText()).isEqualTo("treeverse/replication:1.0.0");
            assertThat(d.at("/spec/template/spec/serviceAccountName").asText()).isEqualTo("lakefs-replication");
        });
    }

    @Test
    void deployment_shouldRunEveryComponent_whenModeIsAll() throws IOException {
        List<JsonNode> deployments = ofKind(render("single-region.yaml", "replication.mode", "all",
                "replication.all.replicas", "2"), "Deployment");

        assertThat(deployments).singleElement().satisfies(d -> {
            assertThat(container(d).at("/args/0").asText()).isEqualTo("all");
            assertThat(d.at("/spec/replicas").asInt()).isEqualTo(2);
        });
    }

    @Test
    void secretKeys_shouldReachTheContainerEnvironmentAsTheServiceSettings_whenExtraEnvVarsSecretIsSet() throws IOException {
        for (JsonNode d : ofKind(render("single-region.yaml"), "Deployment")) {
            Map<String, String> refs = new HashMap<>();
            for (JsonNode env : container(d).get("env")) {
                JsonNode ref = env.at("/valueFrom/secretKeyRef");
                if (!ref.isMissingNode()) {
                    assertThat(ref.get("name").asText()).isEqualTo("replication-secrets");
                    refs.put(env.get("name").asText(), ref.get("key").asText());
                }
            }
            assertThat(refs).as(name(d)).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "REPLICATION_SOURCE_LAKEFS_ACCESS_KEY_ID", "source_lakefs_access_key_id",
                    "REPLICATION_SOURCE_LAKEFS_SECRET_ACCESS_KEY", "source_lakefs_secret_access_key",
                    "REPLICATION_AUTH_ENCRYPT_SECRET_KEY", "auth_encrypt_secret_key"));
            assertThat(container(d).at("/envFrom/0/secretRef/name").asText()).isEqualTo("replication-secrets");
        }
    }

    @Test
    void replicas_shouldBeHonouredPerWorker_whenSetInValues() throws IOException {
        List<JsonNode> deployments = ofKind(render("single-region.yaml",
                "replication.workers.sensor.replicas", "3", "replication.workers.validator.replicas", "5",
                "replication.workers.promoter.replicas", "2", "replication.workers.api.replicas", "0"), "Deployment");

        Map<String, Integer> replicas = new HashMap<>();
        deployments.forEach(d -> replicas.put(container(d).at("/args/0").asText(), d.at("/spec/replicas").asInt(-1)));
        assertThat(replicas).containsExactlyInAnyOrderEntriesOf(Map.of("sensor", 3, "validator", 5, "promoter", 2, "api", 0));
    }

    @Test
    void render_shouldFailNamingTheKey_whenConfigRegionIsMissing() {
        assertThatThrownBy(() -> render("missing-region.yaml"))
                .hasMessageContaining("replication.config.region is required");
    }

    @Test
    void render_shouldProduceNothing_whenReplicationIsNotEnabled() throws IOException {
        assertThat(render("single-region.yaml", "replication.enabled", "false")).isEmpty();
    }

    /**
     * Both regions of lakeFS's two-region example, rendered with the secret lakeFS's docs create:
     * the configuration file plus the container's environment (secret keys resolved) pass the
     * launcher's own {@code config check}.
     */
    @ParameterizedTest
    @ValueSource(strings = {"two-region-us-east-1.yaml", "two-region-us-west-2.yaml", "single-region.yaml"})
    void renderedConfig_shouldPassConfigCheck_whenGivenLakeFsExampleValues(String values) throws IOException {
        List<JsonNode> objects = render(values, "replication.extraEnvVarsSecret", "replication-secrets");
        JsonNode configSecret = ofKind(objects, "Secret").get(0);
        Path configFile = tmp.resolve("config.yaml");
        Files.writeString(configFile, configSecret.at("/stringData/config.yaml").asText());
        JsonNode secret = YAML.readTree(VALUES.resolve("replication-secrets.yaml").toFile()).get("stringData");
        JsonNode validator = ofKind(objects, "Deployment").stream()
                .filter(d -> container(d).at("/args/0").asText().equals("validator")).findFirst().orElseThrow();
        Map<String, String> env = new HashMap<>();
        for (JsonNode e : container(validator).get("env")) {
            JsonNode ref = e.at("/valueFrom/secretKeyRef/key");
            env.put(e.get("name").asText(), ref.isMissingNode() ? e.get("value").asText() : secret.get(ref.asText()).asText());
        }
        String region = YAML.readTree(VALUES.resolve(values).toFile()).at("/replication/config/region").asText();

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine(env);
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int status = cli.execute("config", "check", "--config", configFile.toString());

        assertThat(status).as(err.toString()).isZero();
        assertThat(out.toString()).contains("region: " + region).contains("listen_address: 0.0.0.0:8009")
                .doesNotContain("replication-secret-access-key-example").doesNotContain("shared-secret-example");
        assertThat(container(validator).get("args")).extracting(JsonNode::asText)
                .containsExactly("validator", "--config", "/etc/lakemirror/config.yaml");
    }
}
