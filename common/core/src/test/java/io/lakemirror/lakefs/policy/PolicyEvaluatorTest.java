package io.lakemirror.lakefs.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.lakefs.Policy;
import io.lakemirror.lakefs.Statement;
import io.lakemirror.lakefs.UserId;
import io.lakemirror.lakefs.policy.PolicyEvaluator.Decision;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PolicyEvaluatorTest {
    private static final UserId ALICE = UserId.of("alice");
    private static final String REPO_X = "arn:lakefs:fs:::repository/x";
    private static final String REPO_Y = "arn:lakefs:fs:::repository/y";

    static Stream<Arguments> decisions() {
        return Stream.of(
                Arguments.of("no policies", List.of(), "fs:ReadRepository", REPO_X, Decision.NEUTRAL),
                Arguments.of("allow all", List.of(Policy.of("p", Statement.allow("*", "*"))),
                        "fs:DeleteRepository", REPO_X, Decision.ALLOW),
                Arguments.of("action wildcard", List.of(Policy.of("p", Statement.allow("*", "fs:Read*"))),
                        "fs:ReadRepository", REPO_X, Decision.ALLOW),
                Arguments.of("action wildcard misses", List.of(Policy.of("p", Statement.allow("*", "fs:Read*"))),
                        "fs:WriteObject", REPO_X, Decision.NEUTRAL),
                Arguments.of("resource misses", List.of(Policy.of("p", Statement.allow(REPO_Y, "fs:*"))),
                        "fs:ReadRepository", REPO_X, Decision.NEUTRAL),
                Arguments.of("deny beats allow in the same policy", List.of(Policy.of("p",
                                Statement.allow("*", "fs:*"), Statement.deny(REPO_X, "fs:DeleteRepository"))),
                        "fs:DeleteRepository", REPO_X, Decision.DENY),
                Arguments.of("deny beats allow across policies", List.of(
                                Policy.of("deny", Statement.deny("arn:lakefs:fs:::repository/*", "fs:Delete*")),
                                Policy.of("allow", Statement.allow("*", "*"))),
                        "fs:DeleteRepository", REPO_Y, Decision.DENY),
                Arguments.of("deny elsewhere does not apply", List.of(Policy.of("p",
                                Statement.allow("*", "fs:*"), Statement.deny(REPO_X, "fs:DeleteRepository"))),
                        "fs:DeleteRepository", REPO_Y, Decision.ALLOW),
                Arguments.of("${user} is the user name", List.of(Policy.of("p",
                                Statement.allow("arn:lakefs:fs:::repository/${user}-*", "fs:*"))),
                        "fs:CreateRepository", "arn:lakefs:fs:::repository/alice-data", Decision.ALLOW),
                Arguments.of("${user} is not another user", List.of(Policy.of("p",
                                Statement.allow("arn:lakefs:fs:::repository/${user}-*", "fs:*"))),
                        "fs:CreateRepository", "arn:lakefs:fs:::repository/bob-data", Decision.NEUTRAL),
                Arguments.of("resource as JSON array", List.of(Policy.of("p",
                                Statement.allow("[\"" + REPO_Y + "\",\"" + REPO_X + "\"]", "fs:ReadRepository"))),
                        "fs:ReadRepository", REPO_X, Decision.ALLOW),
                Arguments.of("* wildcard spans slashes", List.of(Policy.of("p",
                                Statement.allow("arn:lakefs:fs:::repository/x/*", "fs:ReadObject"))),
                        "fs:ReadObject", REPO_X + "/object/a/b/c.parquet", Decision.ALLOW));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("decisions")
    void decide_shouldFollowLakeFsRules(String name, List<Policy> policies, String action, String resource,
                                        Decision expected) {
        assertThat(PolicyEvaluator.decide(policies, ALICE, action, resource, Map.of())).isEqualTo(expected);
    }

    @Test
    void check_shouldNeedEveryChild_whenAllOf() {
        List<Policy> policies = List.of(Policy.of("p", Statement.allow("*", "fs:CreateRepository")));
        Permission create = Permission.allOf(Permission.of("fs:CreateRepository", REPO_X),
                Permission.of("fs:AttachStorageNamespace", "arn:lakefs:fs:::namespace/s3://b/x"));

        PolicyEvaluator.Result result = PolicyEvaluator.check(policies, ALICE, create);

        assertThat(result.allowed()).isFalse();
        assertThat(result.decision()).isEqualTo(Decision.NEUTRAL);
        assertThat(result.explanation()).isEqualTo("not allowed to fs:AttachStorageNamespace");
    }

    @Test
    void check_shouldRefuse_whenAnyOfHasADeny() {
        List<Policy> policies = List.of(Policy.of("p", Statement.allow("*", "fs:*"), Statement.deny(REPO_X, "fs:ReadObject")));
        Permission read = Permission.anyOf(Permission.of("fs:ReadRepository", REPO_X), Permission.of("fs:ReadObject", REPO_X));

        PolicyEvaluator.Result result = PolicyEvaluator.check(policies, ALICE, read);

        assertThat(result.decision()).isEqualTo(Decision.DENY);
        assertThat(result.explanation()).isEqualTo("denied permission to fs:ReadObject");
    }

    @Test
    void check_shouldAllow_whenAnyOfHasOneAllowAndNoDeny() {
        List<Policy> policies = List.of(Policy.of("p", Statement.allow(REPO_X, "fs:ReadRepository")));

        assertThat(PolicyEvaluator.check(policies, ALICE, Permission.anyOf(
                Permission.of("fs:ReadRepository", REPO_X), Permission.of("fs:ReadObject", REPO_X))).allowed()).isTrue();
    }

    static Stream<Arguments> conditions() {
        return Stream.of(
                Arguments.of("IpAddress inside the network", "IpAddress", List.of("10.0.0.0/8"), "10.1.2.3", Decision.ALLOW),
                Arguments.of("IpAddress outside the network", "IpAddress", List.of("10.0.0.0/8"), "192.168.1.1", Decision.NEUTRAL),
                Arguments.of("IpAddress exact address", "IpAddress", List.of("192.168.1.1"), "192.168.1.1", Decision.ALLOW),
                Arguments.of("NotIpAddress outside the network", "NotIpAddress", List.of("10.0.0.0/8"), "192.168.1.1", Decision.ALLOW),
                Arguments.of("unknown operator refuses", "DateLessThan", List.of("2030-01-01"), "10.1.2.3", Decision.DENY),
                Arguments.of("malformed network refuses", "IpAddress", List.of("10.0.0.0/99"), "10.1.2.3", Decision.DENY));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("conditions")
    void decide_shouldSkipStatementsWhoseConditionFails(String name, String operator, List<String> values,
                                                        String sourceIp, Decision expected) {
        Statement statement = new Statement(Statement.Effect.ALLOW, List.of("fs:*"), "*",
                Map.of(operator, Map.of(PolicyEvaluator.SOURCE_IP, values)));

        Decision d = PolicyEvaluator.decide(List.of(Policy.of("p", statement)), ALICE, "fs:ReadRepository", REPO_X,
                Map.of(PolicyEvaluator.SOURCE_IP, sourceIp));

        assertThat(d).isEqualTo(expected);
    }
}
