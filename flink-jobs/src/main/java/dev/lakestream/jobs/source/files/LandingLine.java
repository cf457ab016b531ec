package dev.lakestream.jobs.source.files;

import dev.lakestream.jobs.source.SourceRecord;
import java.util.List;

/**
 * What the split reader hands the emitter for one line: the record to emit (none for a CSV header)
 * and the reading position after the line, which becomes the split's checkpointed position once the
 * record is emitted.
 *
 * @param record the record, or {@code null} for the CSV header
 * @param nextOffset byte offset just past the line
 * @param nextLine number of the line after it
 * @param header the CSV header when this line was it, else {@code null}
 */
record LandingLine(SourceRecord record, long nextOffset, long nextLine, List<String> header) {}
