package io.lakemirror.sandbox;

import io.lakemirror.launcher.Main;
import io.lakemirror.logging.Logging;
import io.lakemirror.testserver.LakeFsTestServer;
import java.io.PrintWriter;
import java.net.URI;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lakefs-server}: the project's lakeFS test server as a standalone process, until SIGTERM or Ctrl-C. */
@Command(name = "lakefs-server", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        sortOptions = false, description = {
    "Run the lakeFS test server: the lakeFS REST API subset lakemirror uses (repositories, branches, tags,"
        + " objects, commits and merges writing real graveler files, CreateCommitRecord, read-only"
        + " repositories, HTTP Basic auth, optional RBAC), keeping its state in memory and its data in an S3"
        + " endpoint. Prints 'lakeFS test server listening on <url>' when ready."})
final class LakeFsServerCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8000",
            description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}, as lakeFS).")
    int port;

    @Option(names = "--s3-endpoint", required = true, paramLabel = "URL",
            description = "S3 API holding the storage namespaces, e.g. http://127.0.0.1:9090 (path-style access).")
    URI s3Endpoint;

    @Option(names = "--s3-region", defaultValue = "us-east-1", description = "S3 region (default: ${DEFAULT-VALUE}).")
    String s3Region;

    @Option(names = "--bucket", paramLabel = "BUCKET",
            description = "Bucket to create at start when absent; repositories may use any bucket of the endpoint.")
    String bucket;

    @Option(names = "--s3-access-key-id", defaultValue = "test",
            description = "S3 access key id (default: ${DEFAULT-VALUE}).")
    String s3AccessKeyId;

    @Option(names = "--s3-secret-access-key", defaultValue = "test",
            description = "S3 secret access key (default: ${DEFAULT-VALUE}).")
    String s3SecretAccessKey;

    @Option(names = "--admin-user", defaultValue = "admin", description = "The admin user's name (default: ${DEFAULT-VALUE}).")
    String adminUser;

    @Option(names = "--access-key-id", defaultValue = LakeFsTestServer.DEFAULT_ACCESS_KEY_ID,
            description = "The admin's lakeFS access key id (default: lakeFS quickstart's, ${DEFAULT-VALUE}).")
    String accessKeyId;

    @Option(names = "--secret-access-key", defaultValue = LakeFsTestServer.DEFAULT_SECRET_ACCESS_KEY,
            description = "The admin's lakeFS secret access key (default: lakeFS quickstart's).")
    String secretAccessKey;

    @Option(names = "--rbac", description = "Serve users, groups and policies and enforce them (lakeFS with an auth"
            + " service); without it the policy APIs answer 501 and the admin may do everything, as in OSS lakeFS.")
    boolean rbac;

    @Option(names = "--log-level", defaultValue = "INFO", description = "Log level (default: ${DEFAULT-VALUE}).")
    String logLevel;

    @Override
    public Integer call() throws InterruptedException {
        Logging.configure(logLevel, "text");
        LakeFsTestServer.Builder builder = LakeFsTestServer.builder()
                .host(host).port(port)
                .s3Endpoint(s3Endpoint).s3Region(s3Region).s3Credentials(s3AccessKeyId, s3SecretAccessKey)
                .adminUser(adminUser, accessKeyId, secretAccessKey)
                .rbac(rbac);
        if (bucket != null && !bucket.isBlank()) {
            builder.ensureBucket(bucket);
        }
        LakeFsTestServer server = builder.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "lakefs-server-shutdown"));
        PrintWriter out = spec.commandLine().getOut();
        out.println("lakeFS test server listening on " + server.endpoint());
        out.flush();
        stopped.await();
        return 0;
    }
}
