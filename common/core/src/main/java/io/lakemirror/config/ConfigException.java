package io.lakemirror.config;

import io.lakemirror.domain.InvalidInputException;
import java.util.List;

/** Every problem found in a configuration, reported at once so the operator fixes them in one pass. */
public class ConfigException extends InvalidInputException {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(render(problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }

    private static String render(List<String> problems) {
        StringBuilder out = new StringBuilder("invalid configuration, ").append(problems.size())
                .append(problems.size() == 1 ? " problem" : " problems").append(" (nothing was started):");
        problems.forEach(p -> out.append(System.lineSeparator()).append("  - ").append(p));
        return out.toString();
    }
}
