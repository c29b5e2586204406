package io.lakemirror.infra;

import io.lakemirror.infra.topology.RegionSpec;
import io.lakemirror.infra.topology.Topology;
import io.lakemirror.infra.topology.TopologyException;
import io.lakemirror.infra.topology.TopologyLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.jsii.JsiiError;

/**
 * The CDK app: one {@link RegionStack} per region of a topology.
 *
 * <pre>
 * LakemirrorApp [--topology FILE] [--outdir DIR]
 * </pre>
 *
 * The topology is the file given with {@code --topology}, else the CDK context value
 * {@value #TOPOLOGY_CONTEXT} (a file path, or the topology object itself). Templates go to
 * {@code $CDK_OUTDIR} when the CDK CLI runs the app, else to {@code --outdir}, else to {@code cdk.out}.
 * Context {@value #BUCKET_REPLICATION_CONTEXT}{@code =false} leaves out the buckets' replication rules,
 * for the first deployment of a topology that replicates in both directions.
 */
public final class LakemirrorApp {
    /** Context key of the topology: a path to a JSON file, or the topology object. */
    public static final String TOPOLOGY_CONTEXT = "lakemirror:topology";
    /** Context key that turns the buckets' replication rules off ({@code false}). */
    public static final String BUCKET_REPLICATION_CONTEXT = "lakemirror:bucketReplication";

    private static final int USAGE_ERROR = 2;
    private static final int SYNTHESIS_ERROR = 1;

    private LakemirrorApp() {
    }

    public static void main(String[] args) {
        try {
            Arguments arguments = Arguments.parse(args);
            App app = new App(appProps(arguments));
            compose(app, topology(app, arguments));
            app.synth();
        } catch (TopologyException | IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(USAGE_ERROR);
        } catch (JsiiError e) {
            // A construct's validation failed: its message lists every problem with the construct path.
            System.err.println("synthesis failed: " + e.getMessage());
            System.exit(SYNTHESIS_ERROR);
        }
    }

    /**
     * Adds a stack per region of {@code topology} to {@code app}. Every other region's stack deploys
     * after the primary region's, which creates the mirrors table's replicas.
     */
    public static List<RegionStack> compose(App app, Topology topology) {
        boolean bucketReplication = !"false".equals(String.valueOf(
                app.getNode().tryGetContext(BUCKET_REPLICATION_CONTEXT)));
        List<RegionStack> stacks = new ArrayList<>();
        RegionStack primary = null;
        for (RegionSpec region : topology.regions()) {
            RegionStack stack = new RegionStack(app, RegionStack.nameFor(region.name()), RegionStackProps.builder()
                    .topology(topology)
                    .region(region.name())
                    .bucketReplication(bucketReplication)
                    .build());
            if (region.name().equals(topology.primaryRegion())) {
                primary = stack;
            }
            stacks.add(stack);
        }
        for (RegionStack stack : stacks) {
            if (stack != primary && primary != null) {
                stack.addStackDependency(primary, "the primary region's stack creates this region's mirrors table replica");
            }
        }
        return stacks;
    }

    private static AppProps appProps(Arguments arguments) {
        AppProps.Builder props = AppProps.builder();
        // The CDK CLI passes its output directory in CDK_OUTDIR, and App refuses a different outdir.
        if (System.getenv("CDK_OUTDIR") == null) {
            props.outdir(arguments.outdir().orElse("cdk.out"));
        }
        return props.build();
    }

    /** The topology named by the arguments, else by the app's context. */
    static Topology topology(App app, Arguments arguments) {
        if (arguments.topology().isPresent()) {
            return TopologyLoader.load(Path.of(arguments.topology().get()));
        }
        Object context = app.getNode().tryGetContext(TOPOLOGY_CONTEXT);
        if (context instanceof String path) {
            return TopologyLoader.load(Path.of(path));
        }
        if (context != null) {
            return TopologyLoader.fromObject(context, "context " + TOPOLOGY_CONTEXT);
        }
        throw new IllegalArgumentException("no topology given: pass --topology FILE, or with the CDK CLI"
                + " -c " + TOPOLOGY_CONTEXT + "=FILE (see infra/cdk/topology.example.json)");
    }

    record Arguments(Optional<String> topology, Optional<String> outdir) {
        static Arguments parse(String[] args) {
            String topology = null;
            String outdir = null;
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--topology" -> topology = required("--topology", value);
                    case "--outdir" -> outdir = required("--outdir", value);
                    default -> throw new IllegalArgumentException("unknown argument \"" + args[i]
                            + "\"; usage: LakemirrorApp [--topology FILE] [--outdir DIR]");
                }
                i++;
            }
            return new Arguments(Optional.ofNullable(topology), Optional.ofNullable(outdir));
        }

        private static String required(String option, String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(option + " needs a value; usage: LakemirrorApp [--topology FILE]"
                        + " [--outdir DIR]");
            }
            return value;
        }
    }
}
