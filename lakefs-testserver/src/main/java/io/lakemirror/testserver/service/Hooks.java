package io.lakemirror.testserver.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.graveler.Entry;
import io.lakemirror.testserver.model.LakeFsError;
import io.lakemirror.testserver.model.RepositoryState;
import io.lakemirror.testserver.storage.BlockStore;
import io.lakemirror.testserver.storage.Trees;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * lakeFS's actions, as far as the replication service can meet them: the {@code pre-create-branch} webhooks of
 * the action files under {@code _lakefs_actions/} in the <em>source ref's</em> committed tree
 * (pkg/catalog/actions_source.go lists that prefix at the hook record's SourceRef), run only on writable
 * repositories (pkg/graveler/graveler.go CreateBranch: {@code if !repository.ReadOnly}, whatever {@code force}
 * says). A webhook that does not answer 2xx, or cannot be reached, aborts the branch creation with 412.
 */
public final class Hooks {
    private static final Logger LOG = LoggerFactory.getLogger(Hooks.class);
    static final String ACTIONS = "_lakefs_actions/";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Duration WEBHOOK_TIMEOUT = Duration.ofSeconds(5);

    private final Trees trees;
    private final BlockStore blocks;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(WEBHOOK_TIMEOUT).build();

    public Hooks(Trees trees, BlockStore blocks) {
        this.trees = trees;
        this.blocks = blocks;
    }

    /** Runs the pre-create-branch hooks of {@code source}'s tree for {@code branch}; 412 when one fails. Blocking. */
    public void preCreateBranch(RepositoryState repo, BranchId branch, String sourceRef, CommitRecord source) {
        NavigableMap<String, Entry> tree = trees.read(repo.storageNamespace(), source.metaRangeId());
        String runId = UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, Entry> file : tree.subMap(ACTIONS, true, ACTIONS + Character.MAX_VALUE, false).entrySet()) {
            if (file.getKey().substring(ACTIONS.length()).contains("/")) {
                continue;
            }
            JsonNode action = action(repo, file.getValue());
            if (action == null || !appliesTo(action.path("on").path("pre-create-branch"), action.path("on"), branch)) {
                continue;
            }
            String actionName = action.path("name").asText(file.getKey());
            int hookIndex = 0;
            for (JsonNode hook : action.path("hooks")) {
                String hookId = hook.path("id").asText("hook-" + hookIndex);
                if ("webhook".equals(hook.path("type").asText())) {
                    webhook(hook.path("properties").path("url").asText(""), repo, branch, sourceRef, source)
                            .ifPresent(problem -> failures.add("hook run id '" + runId + "' failed on action '"
                                    + actionName + "' hook '" + hookId + "': action failed: " + problem));
                }
                hookIndex++;
            }
        }
        if (!failures.isEmpty()) {
            LOG.debug("pre-create-branch hooks refused branch {} of {}: {}", branch, repo.id(), failures);
            throw new LakeFsError(LakeFsError.Kind.PRECONDITION_FAILED, "pre-create-branch hook aborted, run id '"
                    + runId + "': " + failures.size() + " error occurred: " + String.join("; ", failures));
        }
    }

    private JsonNode action(RepositoryState repo, Entry file) {
        Optional<byte[]> bytes = file.addressType() == Entry.AddressType.FULL
                ? blocks.getFull(file.address())
                : blocks.get(repo.storageNamespace(), file.address());
        if (bytes.isEmpty()) {
            return null;
        }
        try {
            return YAML.readTree(bytes.get());
        } catch (IOException e) {
            LOG.debug("action file at {} of {} is not YAML: {}", file.address(), repo.id(), e.toString());
            return null;
        }
    }

    /** An event with no {@code branches} applies to every branch; otherwise to the names its patterns match. */
    private static boolean appliesTo(JsonNode event, JsonNode on, BranchId branch) {
        if (!on.has("pre-create-branch")) {
            return false;
        }
        JsonNode branches = event.path("branches");
        if (!branches.isArray() || branches.isEmpty()) {
            return true;
        }
        for (JsonNode pattern : branches) {
            String regex = Pattern.quote(pattern.asText()).replace("*", "\\E.*\\Q");
            if (branch.value().matches(regex)) {
                return true;
            }
        }
        return false;
    }

    private Optional<String> webhook(String url, RepositoryState repo, BranchId branch, String sourceRef,
                                     CommitRecord source) {
        String event = "{\"event_type\":\"pre-create-branch\",\"repository_id\":\"" + repo.id().value()
                + "\",\"branch_id\":\"" + branch.value() + "\",\"source_ref\":\"" + sourceRef + "\",\"commit_id\":\""
                + source.id().value() + "\"}";
        try {
            HttpResponse<Void> answer = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(WEBHOOK_TIMEOUT)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(event, StandardCharsets.UTF_8)).build(),
                    HttpResponse.BodyHandlers.discarding());
            int status = answer.statusCode();
            return status >= 200 && status < 300 ? Optional.empty()
                    : Optional.of("webhook request failed (status code: " + status + ")");
        } catch (IOException | IllegalArgumentException e) {
            return Optional.of("webhook request failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("webhook request interrupted");
        }
    }
}
