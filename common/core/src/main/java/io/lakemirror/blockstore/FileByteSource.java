package io.lakemirror.blockstore;

import io.lakemirror.domain.InvalidInputException;
import io.lakemirror.domain.NotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/** A local file read with positional reads. */
final class FileByteSource implements ByteSource {
    private final Path file;
    private final long size;

    FileByteSource(Path file) {
        this.file = file;
        try {
            if (Files.isDirectory(file)) {
                throw new InvalidInputException(file + " is a directory, not a file; nothing was read");
            }
            this.size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new NotFoundException("file " + file + " does not exist; nothing was read");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the size of " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return file.toString();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public byte[] read(long offset, int length) {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative read " + offset + "/" + length);
        }
        // Opening per read keeps the source free of close(); reads are block- or window-sized, so it is cheap.
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(length);
            while (buffer.hasRemaining()) {
                int n = channel.read(buffer, offset + buffer.position());
                if (n < 0) {
                    break;
                }
            }
            return buffer.hasRemaining() ? Arrays.copyOf(buffer.array(), buffer.position()) : buffer.array();
        } catch (NoSuchFileException e) {
            throw new NotFoundException("file " + file + " disappeared while being read");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + length + " bytes at offset " + offset + " of " + file
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "file " + file;
    }
}
