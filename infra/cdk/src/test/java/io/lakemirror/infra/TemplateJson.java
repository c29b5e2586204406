package io.lakemirror.infra;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import software.amazon.awscdk.assertions.Template;

/**
 * Reads a synthesized template as plain maps and renders intrinsic functions as text
 * ({@code ${AWS::AccountId}}, {@code ${Queue.Arn}}), so tests compare ARNs as an operator reads them.
 */
final class TemplateJson {
    private final Map<String, Object> json;

    TemplateJson(Template template) {
        this.json = template.toJSON();
    }

    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> resources(String type) {
        Map<String, Map<String, Object>> out = new java.util.LinkedHashMap<>();
        ((Map<String, Object>) json.get("Resources")).forEach((id, resource) -> {
            Map<String, Object> r = (Map<String, Object>) resource;
            if (type.equals(r.get("Type"))) {
                out.put(id, r);
            }
        });
        return out;
    }

    /** The logical id of the only resource of {@code type}. */
    String onlyId(String type) {
        Map<String, Map<String, Object>> found = resources(type);
        if (found.size() != 1) {
            throw new AssertionError("expected one " + type + ", found " + found.keySet());
        }
        return found.keySet().iterator().next();
    }

    /** The logical id of the only resource of {@code type} whose id starts with {@code prefix}. */
    String onlyIdWithPrefix(String type, String prefix) {
        List<String> ids = resources(type).keySet().stream().filter(id -> id.startsWith(prefix)).toList();
        if (ids.size() != 1) {
            throw new AssertionError("expected one " + type + " named " + prefix + "*, found " + ids);
        }
        return ids.get(0);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> properties(Map<String, Object> resource) {
        return (Map<String, Object>) resource.getOrDefault("Properties", Map.of());
    }

    /** Intrinsic functions as text: Fn::Join concatenated, Ref as ${x}, Fn::GetAtt as ${x.y}. */
    @SuppressWarnings("unchecked")
    static String render(Object node) {
        if (node instanceof String text) {
            return text;
        }
        if (node instanceof Map<?, ?> map) {
            if (map.containsKey("Fn::Join")) {
                List<Object> join = (List<Object>) map.get("Fn::Join");
                return ((List<Object>) join.get(1)).stream().map(TemplateJson::render)
                        .collect(Collectors.joining((String) join.get(0)));
            }
            if (map.containsKey("Ref")) {
                return "${" + map.get("Ref") + "}";
            }
            if (map.containsKey("Fn::GetAtt")) {
                List<Object> att = (List<Object>) map.get("Fn::GetAtt");
                return "${" + att.get(0) + "." + att.get(1) + "}";
            }
        }
        return String.valueOf(node);
    }

    /** A value that may be one item or a list, as a list. */
    @SuppressWarnings("unchecked")
    static List<Object> list(Object node) {
        if (node == null) {
            return List.of();
        }
        return node instanceof List<?> l ? (List<Object>) l : List.of(node);
    }

    /** Every statement of the role {@code roleId}: its inline policies and the policies attached to it. */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> statementsOf(String roleId) {
        List<Map<String, Object>> statements = new ArrayList<>();
        Map<String, Object> role = resources("AWS::IAM::Role").get(roleId);
        for (Object policy : list(properties(role).get("Policies"))) {
            statements.addAll(statements(((Map<String, Object>) policy).get("PolicyDocument")));
        }
        for (Map<String, Object> policy : resources("AWS::IAM::Policy").values()) {
            boolean attached = list(properties(policy).get("Roles")).stream()
                    .anyMatch(ref -> render(ref).equals("${" + roleId + "}"));
            if (attached) {
                statements.addAll(statements(properties(policy).get("PolicyDocument")));
            }
        }
        return statements;
    }

    /** Every identity-policy statement of the template (roles' inline policies and policy resources). */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> allIdentityStatements() {
        List<Map<String, Object>> statements = new ArrayList<>();
        for (Map<String, Object> role : resources("AWS::IAM::Role").values()) {
            for (Object policy : list(properties(role).get("Policies"))) {
                statements.addAll(statements(((Map<String, Object>) policy).get("PolicyDocument")));
            }
        }
        for (Map<String, Object> policy : resources("AWS::IAM::Policy").values()) {
            statements.addAll(statements(properties(policy).get("PolicyDocument")));
        }
        return statements;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> statements(Object document) {
        return list(((Map<String, Object>) document).get("Statement")).stream()
                .map(statement -> (Map<String, Object>) statement)
                .toList();
    }

    /** A statement list as sorted "action on resource" lines: what the principal may do, and to what. */
    static TreeSet<String> permissions(List<Map<String, Object>> statements) {
        TreeSet<String> out = new TreeSet<>();
        for (Map<String, Object> statement : statements) {
            for (Object action : list(statement.get("Action"))) {
                for (Object resource : list(statement.get("Resource"))) {
                    out.add(action + " on " + render(resource));
                }
            }
        }
        return out;
    }
}
