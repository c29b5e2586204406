package io.lakemirror.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakemirror.config.Durations;
import io.lakemirror.launcher.cli.ApiClient;
import io.lakemirror.launcher.cli.ApiException;
import io.lakemirror.launcher.cli.ApiUnreachableException;
import io.lakemirror.launcher.cli.LakectlCredentials;
import io.lakemirror.launcher.cli.StatusTable;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mirrors}: the operator's client of the replication REST API (docs/operations.md, "The operator CLI"),
 * with lakeFS keys found as lakectl finds them.
 */
@Command(name = "mirrors", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"List, inspect, create and delete mirrors through a region's replication API, and watch their"
                + " lag. Credentials: LAKECTL_CREDENTIALS_ACCESS_KEY_ID and LAKECTL_CREDENTIALS_SECRET_ACCESS_KEY, or"
                + " credentials.access_key_id and credentials.secret_access_key of lakectl's configuration"
                + " (~/.lakectl.yaml, LAKECTL_CONFIG_FILE or --lakectl-config); the environment wins, as in lakectl.", ""},
        subcommands = {MirrorsCommand.ListMirrors.class, MirrorsCommand.Get.class, MirrorsCommand.Create.class,
            MirrorsCommand.Delete.class, MirrorsCommand.Status.class, MirrorsCommand.Update.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit status (every subcommand):%n",
        exitCodeList = {MirrorsCommand.EXIT_CODES_0, MirrorsCommand.EXIT_CODES_1, MirrorsCommand.EXIT_CODES_2,
            MirrorsCommand.EXIT_CODES_3, MirrorsCommand.EXIT_CODES_4, MirrorsCommand.EXIT_CODES_5})
public final class MirrorsCommand implements Runnable {
    static final String EXIT_CODES_0 = "0:done";
    static final String EXIT_CODES_1 = "1:the API refused the request (its message is printed): bad input, no such"
            + " mirror or repository, a name taken, or the service could not do it now";
    static final String EXIT_CODES_2 = "2:invalid options, or no lakeFS credentials or endpoint found";
    static final String EXIT_CODES_3 = "3:the API could not be reached (refused, unknown host, TLS, timeout)";
    static final String EXIT_CODES_4 = "4:the API rejected the credentials (401) or the caller lacks a permission (403)";
    static final String EXIT_CODES_5 = "5:status only: a mirror FAILED or a branch is stalled (the table is printed)";
    public static final int EXIT_API = 1;
    public static final int EXIT_UNREACHABLE = 3;
    public static final int EXIT_DENIED = 4;
    public static final int EXIT_ATTENTION = 5;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** What every subcommand shares: where the API is and whose keys to send. */
    abstract static class ApiCommand implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--endpoint", paramLabel = "URL",
                description = "The replication API of the source region, e.g. https://replication.us-east-1.example.com"
                        + " (/service/replication/v1 is added). Default: lakectl's server.endpoint_url without its path"
                        + " (lakeFS Cloud serves the API on lakeFS's host).")
        String endpoint;

        @Option(names = "--lakectl-config", paramLabel = "FILE",
                description = "lakectl's configuration file (default: LAKECTL_CONFIG_FILE, else ~/.lakectl.yaml).")
        Path lakectlConfig;

        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s",
                description = "How long to wait for each answer (default ${DEFAULT-VALUE}).")
        String timeout;

        @Override
        public final Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            ApiClient client;
            try {
                client = client(Main.environment(spec));
            } catch (IllegalArgumentException e) {
                err.println("error: " + e.getMessage());
                err.flush();
                return Main.EXIT_USAGE;
            }
            try {
                int status = execute(client, out, err);
                out.flush();
                return status;
            } catch (ApiException e) {
                out.flush();
                err.println("error: " + e.getMessage() + " (HTTP " + e.status()
                        + e.correlationId().map(c -> ", correlation ID " + c).orElse("") + ")");
                err.flush();
                return e.status() == 401 || e.status() == 403 ? EXIT_DENIED : EXIT_API;
            } catch (ApiUnreachableException e) {
                out.flush();
                err.println("error: " + e.getMessage());
                err.flush();
                return EXIT_UNREACHABLE;
            }
        }

        private ApiClient client(Map<String, String> environment) {
            Duration answerWithin;
            try {
                answerWithin = Durations.parse(timeout);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("--timeout " + timeout + " is not a duration such as 30s or 2m");
            }
            LakectlCredentials found = LakectlCredentials.find(environment, Optional.ofNullable(lakectlConfig));
            URI base = LakectlCredentials.apiBase(Optional.ofNullable(endpoint), found.endpoint())
                    .orElseThrow(() -> new IllegalArgumentException("no endpoint: pass --endpoint URL of the replication"
                            + " API, or set lakectl's server.endpoint_url (" + LakectlCredentials.ENDPOINT_ENV + ")"));
            if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme())) {
                throw new IllegalArgumentException("--endpoint " + base + " is not an http or https URL");
            }
            if (found.accessKeyId().isEmpty() || found.secretAccessKey().isEmpty()) {
                throw new IllegalArgumentException("no lakeFS credentials: set " + LakectlCredentials.ACCESS_KEY_ENV
                        + " and " + LakectlCredentials.SECRET_KEY_ENV + ", or credentials.access_key_id and"
                        + " credentials.secret_access_key in lakectl's configuration (~/.lakectl.yaml or --lakectl-config)");
            }
            return new ApiClient(base, found.accessKeyId().get(), found.secretAccessKey().get(), answerWithin);
        }

        abstract int execute(ApiClient api, PrintWriter out, PrintWriter err);

        /** Every mirror of the region's sources, or of one source repository, each with its branches. */
        static List<JsonNode> mirrors(ApiClient api, Optional<String> repository) {
            if (repository.isEmpty()) {
                return api.all("/mirrors");
            }
            String path = "/repositories/" + ApiClient.segment(repository.get()) + "/mirrors";
            return api.all(path).stream().map(m -> api.get(path + "/" + ApiClient.segment(m.path("id").asText()), Map.of()))
                    .toList();
        }

        /** The repository of a mirror, from the listing of every mirror when the caller did not name it. */
        static String repositoryOf(ApiClient api, Optional<String> repository, String mirror) {
            if (repository.isPresent()) {
                return repository.get();
            }
            return api.all("/mirrors").stream().filter(m -> m.path("id").asText().equals(mirror)
                            || m.path("name").asText().equals(mirror)).findFirst()
                    .map(m -> m.path("source_repository").asText())
                    .orElseThrow(() -> new ApiException(404, "mirror not found: no mirror " + mirror + " among the"
                            + " mirrors of this region's repositories", Optional.empty()));
        }

        /** A mirror's ID: {@code mirror} itself, or the ID of the mirror of that name. */
        static String idOf(ApiClient api, String repository, String mirror) {
            return api.all("/repositories/" + ApiClient.segment(repository) + "/mirrors").stream()
                    .filter(m -> m.path("name").asText().equals(mirror)).findFirst().map(m -> m.path("id").asText())
                    .orElse(mirror);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List mirrors, one line each.")
    static final class ListMirrors extends ApiCommand {
        @Option(names = {"-r", "--repository"}, paramLabel = "REPO",
                description = "Only the mirrors of this source repository (default: every mirror of the region's sources).")
        String repository;

        @Option(names = "--json", description = "Print the mirrors as a JSON array.")
        boolean json;

        @Override
        int execute(ApiClient api, PrintWriter out, PrintWriter err) {
            List<JsonNode> mirrors = repository == null ? api.all("/mirrors")
                    : api.all("/repositories/" + ApiClient.segment(repository) + "/mirrors");
            out.print(json ? ApiClient.pretty(ApiClient.array(mirrors)) + "\n" : StatusTable.mirrors(mirrors));
            return 0;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show one mirror with its branches.")
    static final class Get extends ApiCommand {
        @Parameters(paramLabel = "MIRROR", description = "The mirror's ID (or name).")
        String mirror;

        @Option(names = {"-r", "--repository"}, paramLabel = "REPO", description = "Its source repository (found when omitted).")
        String repository;

        @Option(names = "--json", description = "Print the API's JSON.")
        boolean json;

        @Override
        int execute(ApiClient api, PrintWriter out, PrintWriter err) {
            String repo = repositoryOf(api, Optional.ofNullable(repository), mirror);
            JsonNode m = api.get("/repositories/" + ApiClient.segment(repo) + "/mirrors/"
                    + ApiClient.segment(idOf(api, repo, mirror)), Map.of());
            if (json) {
                out.println(ApiClient.pretty(m));
                return 0;
            }
            out.println("mirror " + m.path("id").asText() + ": " + m.path("source_repository").asText() + "@"
                    + m.path("source_region").asText() + " -> " + m.path("name").asText() + "@" + m.path("region").asText()
                    + " (" + m.path("storage_namespace").asText() + ")");
            out.println("status " + m.path("status").asText() + (m.path("status_message").asText("").isEmpty() ? ""
                    : ": " + m.path("status_message").asText()) + ", created by " + m.path("created_by").asText());
            out.print(StatusTable.status(List.of(m)));
            return 0;
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Mirror a source repository into a read-only repository of another region.")
    static final class Create extends ApiCommand {
        @Option(names = {"-r", "--repository"}, required = true, paramLabel = "REPO", description = "The source repository.")
        String repository;

        @Option(names = "--name", required = true, paramLabel = "NAME", description = "The mirror repository's name.")
        String name;

        @Option(names = "--region", required = true, paramLabel = "REGION", description = "The destination region.")
        String region;

        @Option(names = "--storage-namespace", required = true, paramLabel = "NS",
                description = "s3://<destination bucket>/<the source namespace's key prefix>.")
        String storageNamespace;

        @Option(names = "--no-tags", description = "Do not mirror the source's tags (they are mirrored by default;"
                + " 'mirrors update --mirror-tags true' turns it on later).")
        boolean noTags;

        @Option(names = "--json", description = "Print the API's JSON.")
        boolean json;

        @Override
        int execute(ApiClient api, PrintWriter out, PrintWriter err) {
            JsonNode created = api.post("/repositories/" + ApiClient.segment(repository) + "/mirrors", ApiClient.object()
                    .put("name", name).put("region", region).put("storage_namespace", storageNamespace)
                    .put("mirror_tags", !noTags));
            out.println(json ? ApiClient.pretty(created) : "created mirror " + created.path("id").asText() + " ("
                    + created.path("name").asText() + " in " + created.path("region").asText() + ", "
                    + created.path("status").asText() + ")");
            return 0;
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true,
            description = "Change a mirror's settings: whether it mirrors the source's tags (switched off, the mirror's"
                    + " tags stay as they are).")
    static final class Update extends ApiCommand {
        @Parameters(paramLabel = "MIRROR", description = "The mirror's ID (or name).")
        String mirror;

        @Option(names = {"-r", "--repository"}, paramLabel = "REPO", description = "Its source repository (found when omitted).")
        String repository;

        @Option(names = "--mirror-tags", required = true, paramLabel = "true|false", arity = "1",
                description = "true to mirror the source's tags, false to stop.")
        boolean mirrorTags;

        @Option(names = "--json", description = "Print the API's JSON.")
        boolean json;

        @Override
        int execute(ApiClient api, PrintWriter out, PrintWriter err) {
            String repo = repositoryOf(api, Optional.ofNullable(repository), mirror);
            JsonNode updated = api.patch("/repositories/" + ApiClient.segment(repo) + "/mirrors/"
                    + ApiClient.segment(idOf(api, repo, mirror)), ApiClient.object().put("mirror_tags", mirrorTags));
            out.println(json ? ApiClient.pretty(updated) : "mirror " + updated.path("id").asText() + " ("
                    + updated.path("name").asText() + "): tags " + (updated.path("mirror_tags").asBoolean(true)
                    ? "mirrored" : "not mirrored"));
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a mirror; its repository is removed by the destination region.")
    static final class Delete extends ApiCommand {
        @Parameters(paramLabel = "MIRROR", description = "The mirror's ID (or name).")
        String mirror;

        @Option(names = {"-r", "--repository"}, paramLabel = "REPO", description = "Its source repository (found when omitted).")
        String repository;

        @Override
        int execute(ApiClient api, PrintWriter out, PrintWriter err) {
            String repo = repositoryOf(api, Optional.ofNullable(repository), mirror);
            JsonNode deleted = api.delete("/repositories/" + ApiClient.segment(repo) + "/mirrors/"
                    + ApiClient.segment(idOf(api, repo, mirror)));
            out.println("deletion of mirror " + deleted.path("id").asText() + " (" + deleted.path("name").asText()
                    + ") accepted: " + deleted.path("status").asText());
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "A table of mirrors and branches with lag, commits behind and missing files.")
    static final class Status extends ApiCommand {
        @Option(names = {"-r", "--repository"}, paramLabel = "REPO",
                description = "Only the mirrors of this source repository.")
        String repository;

        @Option(names = {"-w", "--watch"}, description = "Refresh the table until interrupted.")
        boolean watch;

        @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "5s",
                description = "Time between refreshes with --watch (default ${DEFAULT-VALUE}).")
        String interval;

        @Option(names = "--refreshes", paramLabel = "N", hidden = true, defaultValue = "0",
                description = "Stop --watch after N tables (0: never; for tests and scripts).")
        int refreshes;

        @Option(names = "--json", description = "Print the mirrors with their branches as JSON (not with --watch).")
        boolean json;

        @Override
        int execute(ApiClient api, PrintWriter out, PrintWriter err) {
            Duration every;
            try {
                every = Durations.parse(interval);
            } catch (RuntimeException e) {
                err.println("error: --interval " + interval + " is not a duration such as 5s");
                return Main.EXIT_USAGE;
            }
            boolean terminal = System.console() != null;
            int shown = 0;
            while (true) {
                List<JsonNode> mirrors = mirrors(api, Optional.ofNullable(repository));
                if (json && !watch) {
                    out.println(ApiClient.pretty(ApiClient.array(mirrors)));
                } else {
                    if (watch && terminal) {
                        out.print("\033[H\033[2J");
                    }
                    if (watch) {
                        out.println("every " + Durations.format(every) + " from " + api.base() + " (Ctrl-C to stop), "
                                + java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
                    }
                    out.print(mirrors.isEmpty() ? "no mirrors\n" : StatusTable.status(mirrors));
                }
                out.flush();
                shown++;
                int status = StatusTable.needsAttention(mirrors) ? EXIT_ATTENTION : 0;
                if (!watch || (refreshes > 0 && shown >= refreshes)) {
                    return status;
                }
                try {
                    Thread.sleep(every.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return status;
                }
                if (!terminal) {
                    out.println();
                }
            }
        }
    }
}
