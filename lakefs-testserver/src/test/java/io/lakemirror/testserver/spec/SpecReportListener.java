package io.lakemirror.testserver.spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

/**
 * Prints the spec check's totals once every test of the run is done ({@link LakeFsSpec#summary()}), so the
 * build log shows how many lakeFS exchanges were validated and how many mismatched; also writes them to
 * {@code target/lakefs-spec-check.txt}. Registered through {@code META-INF/services}.
 */
public final class SpecReportListener implements TestExecutionListener {
    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        LakeFsSpec spec = LakeFsSpec.ifUsed().orElse(null);
        if (spec == null) {
            return;
        }
        spec.awaitChecked(SpecConformanceExtension.PATIENCE);
        if (spec.exchanges() == 0) {
            return;
        }
        String summary = spec.summary();
        System.out.println(summary);
        Path target = Path.of("target");
        if (Files.isDirectory(target)) {
            try {
                Files.writeString(target.resolve("lakefs-spec-check.txt"), summary + System.lineSeparator(),
                        StandardCharsets.UTF_8);
            } catch (IOException e) {
                System.out.println("could not write target/lakefs-spec-check.txt: " + e);
            }
        }
    }
}
