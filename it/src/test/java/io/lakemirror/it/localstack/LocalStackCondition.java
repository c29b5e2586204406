package io.lakemirror.it.localstack;

import io.lakemirror.testkit.LocalStackBackend;
import io.lakemirror.testkit.World;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips every test of the LocalStack run when LocalStack cannot start here (no Docker), so that
 * {@code mvn verify -Plocalstack} never fails for that reason: the profile registers it for every
 * test class (JUnit's extension auto-detection) and it prints why, once, in one line. Outside the
 * LocalStack backend it lets everything run.
 */
public final class LocalStackCondition implements ExecutionCondition {
    private static final AtomicBoolean SAID = new AtomicBoolean();

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (World.Backend.fromSystemProperty() != World.Backend.LOCALSTACK) {
            return ConditionEvaluationResult.enabled("the world runs on the local servers");
        }
        Optional<String> reason = LocalStackBackend.unavailableReason();
        if (reason.isEmpty()) {
            return ConditionEvaluationResult.enabled("LocalStack can start");
        }
        String line = "LocalStack profile skipped: " + reason.get();
        if (SAID.compareAndSet(false, true)) {
            System.out.println(line);
        }
        return ConditionEvaluationResult.disabled(line);
    }
}
