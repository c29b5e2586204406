package io.lakemirror.blockstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakemirror.domain.NotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ByteSourceTest {
    @TempDir
    Path dir;

    @Test
    void fileSource_shouldReadRangesAndStopAtTheEnd() throws IOException {
        Path file = Files.write(dir.resolve("f"), new byte[] {1, 2, 3, 4, 5});
        ByteSource source = ByteSource.of(file);

        assertThat(source.size()).isEqualTo(5);
        assertThat(source.name()).isEqualTo(file.toString());
        assertThat(source.read(1, 3)).containsExactly(2, 3, 4);
        assertThat(source.read(3, 10)).containsExactly(4, 5);
        assertThat(source.read(9, 2)).isEmpty();
    }

    @Test
    void arraySource_shouldBehaveLikeAFile() {
        ByteSource source = ByteSource.of("mem", new byte[] {1, 2, 3, 4, 5});

        assertThat(source.read(1, 3)).containsExactly(2, 3, 4);
        assertThat(source.read(3, 10)).containsExactly(4, 5);
        assertThat(source.read(9, 2)).isEmpty();
    }

    @Test
    void fileSource_shouldReportAMissingFileAsNotFound() {
        assertThatThrownBy(() -> ByteSource.of(dir.resolve("missing.sst")))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("missing.sst does not exist");
    }
}
