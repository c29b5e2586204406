package io.lakemirror.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DynoxideBinaryTest {
    @TempDir
    Path dir;

    @Test
    void resolve_shouldUseTheOverride_whenItIsExecutable() throws IOException {
        Path binary = executable(dir.resolve("my-dynoxide"));

        assertThat(DynoxideBinary.resolve(Optional.of(binary.toString()), dir, Map.of())).isEqualTo(binary);
    }

    @Test
    void resolve_shouldFailNamingTheVariable_whenTheOverrideIsNotExecutable() {
        assertThatThrownBy(() -> DynoxideBinary.resolve(Optional.of(dir.resolve("missing").toString()), dir, Map.of()))
                .hasMessageContaining(DynoxideBinary.OVERRIDE)
                .hasMessageContaining("is not an executable file");
    }

    @Test
    void resolve_shouldFindToolsInAParentDirectory_whenRunFromAModule() throws IOException {
        Path binary = executable(dir.resolve(DynoxideBinary.RELATIVE));
        Path module = Files.createDirectories(dir.resolve("testkit"));

        assertThat(DynoxideBinary.resolve(Optional.empty(), module, Map.of())).isEqualTo(binary);
    }

    @Test
    void resolve_shouldFailWithTheInstallCommand_whenNothingIsInstalledAndNpmIsMissing() throws IOException {
        Path emptyPath = Files.createDirectories(dir.resolve("empty-bin"));

        assertThatThrownBy(() -> DynoxideBinary.resolve(Optional.empty(), dir, Map.of("PATH", emptyPath.toString())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("npm is not on PATH")
                .hasMessageContaining(".ci/install-tools")
                .hasMessageContaining(DynoxideBinary.PACKAGE + "@" + DynoxideBinary.VERSION);
    }

    @Test
    void installRoot_shouldBeTheReactorRoot_whenInsideTheCheckout() throws IOException {
        Files.writeString(dir.resolve("pom.xml"), "<project><artifactId>lakemirror-parent</artifactId></project>");
        Path module = Files.createDirectories(dir.resolve("testkit"));
        Files.writeString(module.resolve("pom.xml"), "<project><artifactId>lakemirror-testkit</artifactId></project>");

        assertThat(DynoxideBinary.installRoot(module)).isEqualTo(dir);
    }

    private static Path executable(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({
        "Linux, amd64, linux-x64", "Linux, aarch64, linux-arm64", "Mac OS X, aarch64, darwin-arm64",
        "Mac OS X, x86_64, darwin-x64", "Windows 11, amd64, win32-x64"})
    void platform_shouldBeNpmsOsAndCpuName_whenGivenTheJvmsNames(String osName, String osArch, String platform) {
        assertThat(DynoxideBinary.platform(osName, osArch)).isEqualTo(platform);
    }

    @Test
    void packageName_shouldBeThisMachinesPlatform_whichMayNotBePublished() {
        assertThat(DynoxideBinary.PACKAGE).isEqualTo("@dynoxide/" + DynoxideBinary.PLATFORM);
        assertThat(DynoxideBinary.PUBLISHED_PLATFORMS).contains("linux-x64");
    }
}
