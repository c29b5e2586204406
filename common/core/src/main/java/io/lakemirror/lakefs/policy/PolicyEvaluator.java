package io.lakemirror.lakefs.policy;

import io.lakemirror.lakefs.Policy;
import io.lakemirror.lakefs.Statement;
import io.lakemirror.lakefs.UserId;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether a user's policies allow a {@link Permission}, with lakeFS's semantics: {@code ${user}}
 * in a resource stands for the user name, actions and resources match as {@link Wildcard}s and
 * {@link Arn}s, a statement whose condition does not hold is skipped, and <b>a matching deny beats
 * every allow</b>; without a matching allow the answer is "not allowed".
 */
public final class PolicyEvaluator {
    /** Request attribute for {@code IpAddress}/{@code NotIpAddress} conditions. */
    public static final String SOURCE_IP = "SourceIp";

    private PolicyEvaluator() {
    }

    /** The outcome of one check. */
    public enum Decision { ALLOW, DENY, NEUTRAL }

    /**
     * The result, with the actions that were denied or not allowed (for lakeFS's
     * "insufficient permissions" message).
     */
    public record Result(Decision decision, List<String> denied, List<String> notAllowed) {
        public Result {
            denied = List.copyOf(denied);
            notAllowed = List.copyOf(notAllowed);
        }

        public boolean allowed() {
            return decision == Decision.ALLOW;
        }

        /** {@code denied permission to fs:X} or {@code not allowed to fs:X,fs:Y}, as lakeFS words it. */
        public String explanation() {
            List<String> parts = new ArrayList<>(2);
            if (!denied.isEmpty()) {
                parts.add("denied permission to " + String.join(",", denied));
            }
            if (!notAllowed.isEmpty()) {
                parts.add("not allowed to " + String.join(",", notAllowed));
            }
            return String.join(", ", parts);
        }
    }

    public static Result check(Collection<Policy> policies, UserId user, Permission permission) {
        return check(policies, user, permission, Map.of());
    }

    /**
     * Checks {@code permission} for {@code user} holding {@code policies}; {@code request} holds
     * condition attributes such as {@link #SOURCE_IP}.
     */
    public static Result check(Collection<Policy> policies, UserId user, Permission permission,
                               Map<String, String> request) {
        Set<String> denied = new LinkedHashSet<>();
        Set<String> notAllowed = new LinkedHashSet<>();
        Decision d = evaluate(policies, user, permission, request, denied, notAllowed);
        if (d == Decision.ALLOW) {
            return new Result(d, List.of(), List.of());
        }
        return new Result(d, List.copyOf(denied), List.copyOf(notAllowed));
    }

    private static Decision evaluate(Collection<Policy> policies, UserId user, Permission permission,
                                     Map<String, String> request, Set<String> denied, Set<String> notAllowed) {
        if (permission instanceof Permission.Single single) {
            Decision d = decide(policies, user, single.action(), single.resource(), request);
            if (d == Decision.DENY) {
                denied.add(single.action());
            } else if (d == Decision.NEUTRAL) {
                notAllowed.add(single.action());
            }
            return d;
        }
        if (permission instanceof Permission.AllOf all) {
            Decision result = Decision.ALLOW;
            for (Permission child : all.children()) {
                Decision d = evaluate(policies, user, child, request, denied, notAllowed);
                if (d == Decision.DENY) {
                    return Decision.DENY;
                }
                if (d == Decision.NEUTRAL) {
                    result = Decision.NEUTRAL;
                }
            }
            return result;
        }
        Permission.AnyOf any = (Permission.AnyOf) permission;
        boolean allowed = false;
        for (Permission child : any.children()) {
            Decision d = evaluate(policies, user, child, request, denied, notAllowed);
            if (d == Decision.DENY) {
                return Decision.DENY;
            }
            allowed |= d == Decision.ALLOW;
        }
        return allowed ? Decision.ALLOW : Decision.NEUTRAL;
    }

    /** The decision for one action on one resource. */
    public static Decision decide(Collection<Policy> policies, UserId user, String action, String resource,
                                  Map<String, String> request) {
        boolean allowed = false;
        for (Policy policy : policies) {
            for (Statement statement : policy.statements()) {
                if (!matchesAction(statement, action) || !matchesResource(statement, user, resource)) {
                    continue;
                }
                Optional<Boolean> holds = conditionHolds(statement, request);
                if (holds.isEmpty()) {
                    // A condition that cannot be evaluated refuses, as lakeFS does.
                    return Decision.DENY;
                }
                if (!holds.get()) {
                    continue;
                }
                if (statement.effect() == Statement.Effect.DENY) {
                    return Decision.DENY;
                }
                allowed = true;
            }
        }
        return allowed ? Decision.ALLOW : Decision.NEUTRAL;
    }

    private static boolean matchesAction(Statement statement, String action) {
        for (String pattern : statement.actions()) {
            if (Wildcard.matches(pattern, action)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesResource(Statement statement, UserId user, String resource) {
        for (String pattern : statement.resources()) {
            if (Arn.matches(pattern.replace("${user}", user.value()), resource)) {
                return true;
            }
        }
        return false;
    }

    /** Empty when the condition cannot be evaluated (unknown operator, malformed address). */
    private static Optional<Boolean> conditionHolds(Statement statement, Map<String, String> request) {
        for (Map.Entry<String, Map<String, List<String>>> op : statement.conditions().entrySet()) {
            for (Map.Entry<String, List<String>> field : op.getValue().entrySet()) {
                String actual = request.get(field.getKey());
                Optional<Boolean> holds = switch (op.getKey()) {
                    case "IpAddress" -> inAnyNetwork(actual, field.getValue());
                    case "NotIpAddress" -> inAnyNetwork(actual, field.getValue()).map(b -> !b);
                    case "StringLike" -> Optional.of(actual != null && likeAny(actual, field.getValue()));
                    case "StringNotLike" -> Optional.of(actual == null || !likeAny(actual, field.getValue()));
                    default -> Optional.empty();
                };
                if (holds.isEmpty() || !holds.get()) {
                    return holds;
                }
            }
        }
        return Optional.of(true);
    }

    private static boolean likeAny(String actual, List<String> patterns) {
        return patterns.stream().anyMatch(p -> Wildcard.matches(p, actual));
    }

    private static Optional<Boolean> inAnyNetwork(String address, List<String> networks) {
        if (address == null) {
            return Optional.of(false);
        }
        try {
            byte[] ip = literal(address);
            for (String network : networks) {
                String[] parts = network.split("/", 2);
                byte[] base = literal(parts[0]);
                int bits = parts.length == 2 ? Integer.parseInt(parts[1]) : base.length * 8;
                if (base.length == ip.length && samePrefix(base, ip, bits)) {
                    return Optional.of(true);
                }
            }
            return Optional.of(false);
        } catch (UnknownHostException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static byte[] literal(String address) throws UnknownHostException {
        // Only literals: a host name here would trigger a DNS lookup.
        if (!address.matches("[0-9a-fA-F:.]+")) {
            throw new UnknownHostException(address);
        }
        return InetAddress.getByName(address).getAddress();
    }

    private static boolean samePrefix(byte[] a, byte[] b, int bits) {
        if (bits < 0 || bits > a.length * 8) {
            throw new NumberFormatException("prefix length " + bits);
        }
        int drop = a.length * 8 - bits;
        return new BigInteger(1, a).shiftRight(drop).equals(new BigInteger(1, b).shiftRight(drop));
    }
}
