package io.lakemirror.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The temporary folders the embedded servers keep their data in, removed when a server stops. */
final class StorageFolders {
    private static final Logger LOG = LoggerFactory.getLogger(StorageFolders.class);

    private StorageFolders() {
    }

    /** A fresh folder for {@code server}'s data. */
    static Path create(String server) {
        try {
            return Files.createTempDirectory("lakemirror-" + server + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a storage folder for " + server, e);
        }
    }

    /** Removes {@code dir} and everything in it; what cannot be removed is left and logged at DEBUG. */
    static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.trace("Cannot delete {} ({})", p, e.toString());
                }
            });
        } catch (IOException e) {
            LOG.debug("Cannot remove storage folder {} ({})", dir, e.toString());
        }
    }
}
