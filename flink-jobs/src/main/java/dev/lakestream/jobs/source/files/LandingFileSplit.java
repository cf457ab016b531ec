package dev.lakestream.jobs.source.files;

import java.util.List;
import org.apache.flink.api.connector.source.SourceSplit;

/**
 * One landing file and how far it has been read: the byte offset of the next unread line, that
 * line's number, and for CSV the header once line 1 has been read. Restoring a split resumes at
 * {@code offset} with an S3 range read, so no line is emitted twice or lost.
 *
 * @param file the object
 * @param offset byte offset of the next unread line
 * @param nextLine 1-based number of the line starting at {@code offset}
 * @param header the CSV header (line 1), or {@code null} before it was read or for JSON Lines
 */
public record LandingFileSplit(LandingFile file, long offset, long nextLine, List<String> header)
        implements SourceSplit {

    public LandingFileSplit {
        header = header == null ? null : List.copyOf(header);
    }

    /** A file not read yet. */
    public static LandingFileSplit unread(LandingFile file) {
        return new LandingFileSplit(file, 0L, 1L, null);
    }

    /** Key and last-modified time: an overwritten file's new version is another split. */
    @Override
    public String splitId() {
        return file.key() + "@" + file.lastModifiedMillis();
    }
}
