package io.lakemirror.graveler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The shared fixture folder, located through the {@code lakemirror.fixtures} system property. */
public final class Fixtures {
    private Fixtures() {
    }

    public static Path path(String relative) {
        String root = System.getProperty("lakemirror.fixtures");
        if (root == null) {
            throw new IllegalStateException("system property lakemirror.fixtures is not set; run the tests through Maven");
        }
        Path path = Path.of(root).resolve(relative);
        if (!Files.exists(path)) {
            throw new IllegalStateException("fixture " + path + " is missing");
        }
        return path;
    }

    public static byte[] bytes(String relative) {
        try {
            return Files.readAllBytes(path(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode json(String relative) {
        try {
            return new ObjectMapper().readTree(path(relative).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ByteSource source(String relative) {
        return ByteSource.of(path(relative));
    }
}
