package io.lakemirror.launcher;

import io.lakemirror.domain.NonRetryableException;
import java.util.List;

/**
 * Every problem that stops a process at startup although its configuration is valid (a lakeFS too
 * old to create read-only mirrors, keys that lakeFS refuses), reported at once. {@code bin/replication}
 * exits with status 2 for it, as for a configuration problem.
 */
public final class StartupException extends NonRetryableException {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    public StartupException(List<String> problems) {
        super(render(problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }

    private static String render(List<String> problems) {
        StringBuilder out = new StringBuilder("cannot start, ").append(problems.size())
                .append(problems.size() == 1 ? " problem" : " problems").append(" (nothing was started):");
        problems.forEach(p -> out.append(System.lineSeparator()).append("  - ").append(p));
        return out.toString();
    }
}
