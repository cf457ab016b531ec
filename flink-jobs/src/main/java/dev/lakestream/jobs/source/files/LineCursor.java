package dev.lakestream.jobs.source.files;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import software.amazon.awssdk.http.Abortable;

/**
 * Reads a stream line by line, keeping the byte offset of the next line, with memory bounded by its
 * read buffer plus the longest accepted line, whatever the size of the file.
 *
 * <p>A line ends at {@code \n} (a {@code \r} before it is dropped) or at the end of the stream. A
 * line longer than {@code maxLineLength} bytes is kept truncated and flagged {@link #tooLong()};
 * the rest of it is skipped without being buffered, and the next line is read normally.
 */
final class LineCursor implements Closeable {

    private static final int READ_BUFFER = 64 * 1024;

    private final InputStream in;
    private final int maxLineLength;
    private final byte[] buffer = new byte[READ_BUFFER];
    private int position;
    private int limit;
    private boolean endOfStream;

    private byte[] line = new byte[256];
    private int lineLength;
    private boolean tooLong;
    private long nextOffset;
    private long nextLineNumber;
    private long lineNumber;

    private final CharsetDecoder decoder =
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);

    /**
     * @param in the stream, positioned at {@code offset}
     * @param offset byte offset of the stream's first byte in the file
     * @param lineNumber 1-based number of the line starting at {@code offset}
     * @param maxLineLength longest line kept whole, in bytes
     */
    LineCursor(InputStream in, long offset, long lineNumber, int maxLineLength) {
        this.in = in;
        this.nextOffset = offset;
        this.nextLineNumber = lineNumber;
        this.maxLineLength = maxLineLength;
    }

    /** Moves to the next line; {@code false} at the end of the stream. */
    boolean next() throws IOException {
        lineLength = 0;
        tooLong = false;
        long consumed = 0;
        boolean any = false;
        while (true) {
            if (position == limit) {
                int n = in.read(buffer);
                if (n <= 0) {
                    endOfStream = n < 0;
                    if (!any) {
                        return false;
                    }
                    break;
                }
                position = 0;
                limit = n;
            }
            any = true;
            int start = position;
            int i = start;
            while (i < limit && buffer[i] != '\n') {
                i++;
            }
            append(start, i - start);
            consumed += i - start;
            if (i < limit) {
                position = i + 1;
                consumed++;
                break;
            }
            position = limit;
        }
        if (lineLength > 0 && line[lineLength - 1] == '\r' && lineLength <= maxLineLength + 1) {
            lineLength--;
        }
        if (lineLength > maxLineLength) {
            tooLong = true;
            lineLength = maxLineLength;
        }
        nextOffset += consumed;
        lineNumber = nextLineNumber++;
        return true;
    }

    // keeps at most maxLineLength + 1 bytes (the extra one may be a '\r'); the rest only counts
    private void append(int from, int length) {
        int room = maxLineLength + 2 - lineLength;
        if (room <= 0) {
            lineLength = maxLineLength + 2;
            return;
        }
        int take = Math.min(room, length);
        if (lineLength + take > line.length) {
            line =
                    Arrays.copyOf(
                            line,
                            Math.max(
                                    lineLength + take,
                                    Math.min(line.length * 2, maxLineLength + 2)));
        }
        System.arraycopy(buffer, from, line, lineLength, take);
        lineLength += take;
        if (take < length) {
            lineLength = maxLineLength + 2;
        }
    }

    /** Number (1-based) of the current line. */
    long lineNumber() {
        return lineNumber;
    }

    /** Byte offset just past the current line: where the next line starts. */
    long nextOffset() {
        return nextOffset;
    }

    /** Whether the current line was longer than the maximum and is truncated. */
    boolean tooLong() {
        return tooLong;
    }

    /** Whether the current line is empty or white space only. */
    boolean blank() {
        for (int i = 0; i < lineLength; i++) {
            byte b = line[i];
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    /** Drops a UTF-8 byte-order mark at the start of the current line. */
    void stripByteOrderMark() {
        if (lineLength >= 3
                && (line[0] & 0xFF) == 0xEF
                && (line[1] & 0xFF) == 0xBB
                && (line[2] & 0xFF) == 0xBF) {
            System.arraycopy(line, 3, line, 0, lineLength - 3);
            lineLength -= 3;
        }
    }

    /** The current line as UTF-8 text, or {@code null} if it is not valid UTF-8. */
    String text() {
        try {
            return decoder.decode(ByteBuffer.wrap(line, 0, lineLength)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** The current line with invalid bytes replaced, for quarantine. */
    String lenientText() {
        return new String(line, 0, lineLength, StandardCharsets.UTF_8);
    }

    /**
     * Closes the stream; one not read to its end is aborted, since closing an HTTP response body
     * normally drains it (the rest of a large file) to reuse the connection.
     */
    @Override
    public void close() throws IOException {
        if (!endOfStream && in instanceof Abortable abortable) {
            abortable.abort();
        }
        in.close();
    }
}
