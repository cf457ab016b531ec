package dev.lakestream.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransformationStateLayoutTest {

    @TempDir Path data;

    @Test
    void aFirstStartRecordsTheLayoutAndLaterStartsResume() throws Exception {
        TransformationStateLayout.check(data, Optional.empty());
        assertThat(data.resolve(TransformationStateLayout.FILE))
                .hasContent(TransformationStateLayout.CURRENT);

        TransformationStateLayout.check(
                data, Optional.of(data.resolve("checkpoints-transformation/chk-3")));
    }

    @Test
    void aCheckpointOfTheOldLayoutIsRefusedNamingWhatToDelete() throws Exception {
        Path old = Files.createDirectories(data.resolve("checkpoints-transformation/x/chk-9"));

        assertThatThrownBy(() -> TransformationStateLayout.check(data, Optional.of(old)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("layout 1")
                .hasMessageContaining(data.resolve("checkpoints-transformation").toString())
                .hasMessageContaining(data.resolve("savepoints-transformation").toString());
        assertThat(data.resolve(TransformationStateLayout.FILE)).doesNotExist();
    }

    @Test
    void aCheckpointOfTheTextChangelogLayoutIsRefusedToo() throws Exception {
        Files.writeString(data.resolve(TransformationStateLayout.FILE), "2");
        Path old = Files.createDirectories(data.resolve("checkpoints-transformation/x/chk-9"));

        assertThatThrownBy(() -> TransformationStateLayout.check(data, Optional.of(old)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has layout 2")
                .hasMessageContaining("typed changelog");
    }
}
