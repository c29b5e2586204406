package io.lakemirror.testkit;

import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.TimeoutException;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * S3 on one machine whose cost per request does not grow with the number of objects: S3Proxy embedded
 * in this JVM on a free port, storing each object as a file under a temporary folder. S3Mock keeps a
 * bucket's every key in one metadata file that it parses on each request, so a bucket of 10,000
 * metadata files makes every HEAD slow (docs/benchmarks.md, "Validator"); S3Proxy looks up one file.
 * Clients use path-style addressing ({@link LocalAws#s3}) and the local credentials, which it checks
 * with AWS Signature V4 as S3 does.
 */
public final class S3ProxyServer extends FolderBackedS3 {
    private static final Logger LOG = LoggerFactory.getLogger(S3ProxyServer.class);
    /** How long Jetty may finish requests in flight at stop; S3Proxy's own default is 2 s per stop. */
    private static final long STOP_TIMEOUT_MILLIS = 200;

    private final S3Proxy proxy;

    private S3ProxyServer(S3Proxy proxy, Path root) {
        super("S3Proxy", proxy.getPort(), root);
        this.proxy = proxy;
    }

    /** Starts S3Proxy with a fresh, temporary storage folder, on a free port. */
    public static S3ProxyServer start() {
        long started = System.nanoTime();
        Path root = StorageFolders.create("s3proxy");
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(new FilesystemNio2BlobStore(root.toString()))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, LocalAws.ACCESS_KEY_ID, LocalAws.SECRET_ACCESS_KEY)
                .stopTimeout(STOP_TIMEOUT_MILLIS)
                .build();
        try {
            proxy.start();
        } catch (Exception e) {
            StorageFolders.delete(root);
            throw new IllegalStateException("S3Proxy did not start: " + e.getMessage(), e);
        }
        S3ProxyServer server = new S3ProxyServer(proxy, root);
        LOG.info("S3Proxy started on {} in {} ms", server.endpoint(), (System.nanoTime() - started) / 1_000_000);
        return server;
    }

    @Override
    int port() {
        return proxy.getPort();
    }

    @Override
    void stopServer() {
        try {
            proxy.stop();
        } catch (TimeoutException e) {
            // Pooled keep-alive connections outlive the grace; Jetty closes them and stops anyway.
            LOG.debug("S3Proxy closed connections still open after {} ms", STOP_TIMEOUT_MILLIS);
        } catch (Exception e) {
            LOG.warn("S3Proxy did not stop cleanly: {}", e.toString());
        }
    }
}
