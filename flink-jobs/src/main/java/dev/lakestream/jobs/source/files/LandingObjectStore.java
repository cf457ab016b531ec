package dev.lakestream.jobs.source.files;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.function.Consumer;

/**
 * The two things the file source asks of the object store: list a folder and stream one object from
 * a byte offset. {@link S3LandingObjectStore} is the real one; unit tests use one over memory.
 */
public interface LandingObjectStore extends AutoCloseable {

    /**
     * Hands every object under {@code prefix} to {@code each}, page by page (never all at once).
     */
    void list(String bucket, String prefix, Consumer<LandingFile> each) throws IOException;

    /**
     * Streams {@code file} from byte {@code offset} to its end.
     *
     * @throws FileGoneException when the object was deleted or replaced by another version
     */
    InputStream open(LandingFile file, long offset) throws IOException;

    @Override
    void close();

    /** Opens a store in the task or coordinator that needs it (a client is not serialisable). */
    interface Factory extends Serializable {
        LandingObjectStore open();
    }

    /** The object listed is no longer there as it was listed: deleted or overwritten. */
    final class FileGoneException extends IOException {
        public FileGoneException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
