package io.lakemirror.infra.topology;

import java.util.List;

/** A topology that cannot be deployed, with every problem found in it. */
public final class TopologyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient List<String> problems;

    public TopologyException(String origin, List<String> problems) {
        super(message(origin, problems));
        this.problems = List.copyOf(problems);
    }

    public TopologyException(String origin, String problem, Throwable cause) {
        super(message(origin, List.of(problem)), cause);
        this.problems = List.of(problem);
    }

    private static String message(String origin, List<String> problems) {
        StringBuilder text = new StringBuilder("topology ").append(origin).append(" has ")
                .append(problems.size()).append(problems.size() == 1 ? " problem" : " problems").append(':');
        problems.forEach(problem -> text.append("\n  - ").append(problem));
        return text.append("\nFix the topology and synthesize again.").toString();
    }

    public List<String> problems() {
        return problems;
    }
}
