package io.lakemirror.lakefs.policy;

import java.util.Optional;

/**
 * A lakeFS ARN, {@code arn:<partition>:<service>:<region>:<account>:<resource>}, and lakeFS's rule
 * for matching a policy resource against a requested one.
 */
public record Arn(String partition, String service, String region, String account, String resource) {
    private static final String PREFIX = "arn:";

    /** Parses an ARN; empty when {@code value} is not one (for example {@code *}). */
    public static Optional<Arn> parse(String value) {
        if (!value.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String[] parts = value.split(":", 6);
        if (parts.length != 6) {
            return Optional.empty();
        }
        return Optional.of(new Arn(parts[1], parts[2], parts[3], parts[4], parts[5]));
    }

    /**
     * Whether the policy resource {@code pattern} covers the requested {@code resource}: {@code *}
     * covers everything; otherwise both must be ARNs with equal partition, service and account (the
     * region is not compared) and the resource parts must match as a {@link Wildcard}.
     */
    public static boolean matches(String pattern, String resource) {
        if (pattern.equals("*")) {
            return true;
        }
        Optional<Arn> p = parse(pattern);
        Optional<Arn> r = parse(resource);
        if (p.isEmpty() || r.isEmpty()) {
            return false;
        }
        Arn a = p.get();
        Arn b = r.get();
        return a.partition.equals(b.partition) && a.service.equals(b.service) && a.account.equals(b.account)
                && Wildcard.matches(a.resource, b.resource);
    }

    @Override
    public String toString() {
        return PREFIX + partition + ":" + service + ":" + region + ":" + account + ":" + resource;
    }
}
