package io.lakemirror.infra;

import io.lakemirror.domain.Region;
import io.lakemirror.infra.topology.Topology;
import io.lakemirror.infra.topology.TopologyLoader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.cxapi.CloudAssembly;

/**
 * The shipped two-region example topology, composed and synthesized once per test JVM: a synthesis
 * takes seconds, and every template test reads the same result.
 */
final class ExampleDeployment {
    static final Path TOPOLOGY = Path.of("topology.example.json");
    static final Region US = Region.of("us-east-1");
    static final Region EU = Region.of("eu-west-1");
    static final String US_BUCKET = "example-org-lakefs-us-east-1";
    static final String EU_BUCKET = "example-org-lakefs-eu-west-1";
    static final Path OUTDIR = Path.of("target", "test-cdk.out");

    private static ExampleDeployment instance;

    final Topology topology;
    final CloudAssembly assembly;
    private final Map<Region, RegionStack> stacks = new LinkedHashMap<>();
    private final Map<Region, Template> templates = new LinkedHashMap<>();
    private final Map<Region, TemplateJson> json = new LinkedHashMap<>();

    private ExampleDeployment() {
        this.topology = TopologyLoader.load(TOPOLOGY);
        App app = new App(AppProps.builder().outdir(OUTDIR.toString()).build());
        List<RegionStack> composed = LakemirrorApp.compose(app, topology);
        this.assembly = app.synth();
        for (RegionStack stack : composed) {
            Region region = Region.of(stack.getRegion());
            stacks.put(region, stack);
            Template template = Template.fromStack(stack);
            templates.put(region, template);
            json.put(region, new TemplateJson(template));
        }
    }

    static synchronized ExampleDeployment get() {
        if (instance == null) {
            instance = new ExampleDeployment();
        }
        return instance;
    }

    RegionStack stack(Region region) {
        return stacks.get(region);
    }

    Template template(Region region) {
        return templates.get(region);
    }

    TemplateJson json(Region region) {
        return json.get(region);
    }

    /** The bucket of {@code region}. */
    static String bucket(Region region) {
        return region.equals(US) ? US_BUCKET : EU_BUCKET;
    }

    /** The other region of the example. */
    static Region other(Region region) {
        return region.equals(US) ? EU : US;
    }
}
