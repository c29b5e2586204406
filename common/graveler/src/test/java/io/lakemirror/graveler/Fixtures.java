package io.lakemirror.graveler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakemirror.blockstore.ByteSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The lakeFS and pebble fixture files (src/test/resources/fixtures, with their sources and licences
 * in each folder's README), read from the classpath so that this module's test-jar carries them to
 * the tests of other modules.
 */
public final class Fixtures {
    private Fixtures() {
    }

    public static byte[] bytes(String relative) {
        String resource = "/fixtures/" + relative;
        try (InputStream in = Fixtures.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("fixture " + resource + " is not on the test classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode json(String relative) {
        try {
            return new ObjectMapper().readTree(bytes(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fixture as a source named after its path, as a file's would be. */
    public static ByteSource source(String relative) {
        return ByteSource.of(relative, bytes(relative));
    }
}
