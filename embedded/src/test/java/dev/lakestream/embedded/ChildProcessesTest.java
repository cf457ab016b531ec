package dev.lakestream.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-time rotation that bounds the children's stdout files and the tools' output. */
class ChildProcessesTest {

    @TempDir Path dir;

    @Test
    void aFilePastItsCapIsMovedAsideReplacingTheOlderOne() throws Exception {
        Path out = dir.resolve("kafka.out");
        Files.writeString(out, "x".repeat(200));
        Files.writeString(dir.resolve("kafka.out.1"), "older");

        ChildProcesses.rotateIfLarger(out, 100);

        assertThat(out).doesNotExist();
        assertThat(dir.resolve("kafka.out.1")).hasContent("x".repeat(200));
    }

    @Test
    void aFileWithinItsCapOrMissingIsLeftAlone() throws Exception {
        Path out = dir.resolve("s3proxy.out");
        ChildProcesses.rotateIfLarger(out, 100);
        assertThat(out).doesNotExist();

        Files.writeString(out, "x".repeat(100));
        ChildProcesses.rotateIfLarger(out, 100);
        assertThat(out).hasContent("x".repeat(100));
        assertThat(dir.resolve("s3proxy.out.1")).doesNotExist();
    }
}
