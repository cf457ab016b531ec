package dev.lakestream.jobs.source.files;

import java.util.List;

/** A split being read: its position moves as its records are emitted. */
final class LandingFileSplitState {

    private final LandingFile file;
    private long offset;
    private long nextLine;
    private List<String> header;

    LandingFileSplitState(LandingFileSplit split) {
        this.file = split.file();
        this.offset = split.offset();
        this.nextLine = split.nextLine();
        this.header = split.header();
    }

    void advance(LandingLine line) {
        offset = line.nextOffset();
        nextLine = line.nextLine();
        if (line.header() != null) {
            header = line.header();
        }
    }

    LandingFileSplit toSplit() {
        return new LandingFileSplit(file, offset, nextLine, header);
    }
}
