package io.lakemirror.infra;

import static io.lakemirror.infra.ExampleDeployment.EU;
import static io.lakemirror.infra.ExampleDeployment.US;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakemirror.domain.Region;
import io.lakemirror.infra.topology.Topology;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The app as a whole: what synthesis writes, stack order, and how it finds its topology. */
class LakemirrorAppTest {
    private final ExampleDeployment deployment = ExampleDeployment.get();

    @Test
    void synth_shouldWriteOneTemplatePerRegion_intoTheOutputDirectory() {
        assertThat(ExampleDeployment.OUTDIR.resolve("lakemirror-us-east-1.template.json")).isRegularFile();
        assertThat(ExampleDeployment.OUTDIR.resolve("lakemirror-eu-west-1.template.json")).isRegularFile();
        assertThat(ExampleDeployment.OUTDIR.resolve("manifest.json")).isRegularFile();
    }

    @Test
    void secondaryStack_shouldDeployAfterThePrimary_becauseThePrimaryCreatesItsTableReplica() {
        assertThat(deployment.stack(EU).getDependencies()).containsExactly(deployment.stack(US));
        assertThat(deployment.stack(US).getDependencies()).isEmpty();
        assertThat(deployment.stack(US).getRegion()).isEqualTo("us-east-1");
        assertThat(deployment.stack(US).getStackName()).isEqualTo("lakemirror-us-east-1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"us-east-1", "eu-west-1"})
    void stack_shouldSynthesizeWithoutWarningsOrErrors(String name) {
        Annotations annotations = Annotations.fromStack(deployment.stack(Region.of(name)));
        annotations.hasNoError("*", Match.anyValue());
        annotations.hasNoWarning("*", Match.anyValue());
    }

    @ParameterizedTest
    @ValueSource(strings = {"us-east-1", "eu-west-1"})
    void stack_shouldExportTheApiUrlAndAlarmTopic(String name) {
        Template template = deployment.template(Region.of(name));
        template.hasOutput("ApiUrl", Map.of("Value", Match.anyValue()));
        template.hasOutput("AlarmTopicArn", Map.of("Value", Match.anyValue()));
    }

    @Test
    void compose_shouldReadTopologyObjectFromContext_andLeaveReplicationOut_whenContextSaysSo() throws IOException {
        Object topology = new ObjectMapper().readValue(Files.readString(ExampleDeployment.TOPOLOGY), Object.class);
        App app = new App(AppProps.builder()
                .outdir(ExampleDeployment.OUTDIR.resolveSibling("test-cdk-first-deploy.out").toString())
                .context(Map.of(LakemirrorApp.TOPOLOGY_CONTEXT, topology,
                        LakemirrorApp.BUCKET_REPLICATION_CONTEXT, "false"))
                .build());

        Topology read = LakemirrorApp.topology(app, LakemirrorApp.Arguments.parse(new String[0]));
        List<RegionStack> stacks = LakemirrorApp.compose(app, read);

        assertThat(read).isEqualTo(deployment.topology);
        Template template = Template.fromStack(stacks.get(0));
        template.hasResourceProperties("AWS::S3::Bucket", Map.of("ReplicationConfiguration", Match.absent()));
        template.resourcePropertiesCountIs("AWS::IAM::Role", Map.of(
                "Description", Match.stringLikeRegexp("S3 replication.*")), 0);
    }

    @Test
    void topology_shouldExplainBothWays_whenNoneIsGiven() {
        App app = new App(AppProps.builder().outdir(ExampleDeployment.OUTDIR.toString()).build());

        assertThatThrownBy(() -> LakemirrorApp.topology(app, LakemirrorApp.Arguments.parse(new String[0])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--topology FILE")
                .hasMessageContaining("lakemirror:topology");
    }

    @Test
    void arguments_shouldRejectUnknownOption_withUsage() {
        assertThatThrownBy(() -> LakemirrorApp.Arguments.parse(new String[] {"--topolgy", "x.json"}))
                .hasMessageContaining("unknown argument \"--topolgy\"")
                .hasMessageContaining("usage: LakemirrorApp [--topology FILE] [--outdir DIR]");
        assertThatThrownBy(() -> LakemirrorApp.Arguments.parse(new String[] {"--outdir"}))
                .hasMessageContaining("--outdir needs a value");
    }
}
