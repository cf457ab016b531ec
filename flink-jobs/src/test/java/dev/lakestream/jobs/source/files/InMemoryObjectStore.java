package dev.lakestream.jobs.source.files;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/** Landing files held in memory, for unit tests of reading and discovery. */
final class InMemoryObjectStore implements LandingObjectStore {

    static final String BUCKET = "warehouse";

    private final Map<String, byte[]> contents = new TreeMap<>();
    private final Map<String, LandingFile> files = new TreeMap<>();

    LandingFile put(String key, String text, long lastModifiedMillis) {
        return put(key, text.getBytes(StandardCharsets.UTF_8), lastModifiedMillis);
    }

    LandingFile put(String key, byte[] bytes, long lastModifiedMillis) {
        LandingFile file =
                new LandingFile(
                        BUCKET,
                        key,
                        bytes.length,
                        "etag-" + key + "-" + lastModifiedMillis,
                        lastModifiedMillis);
        contents.put(key, bytes);
        files.put(key, file);
        return file;
    }

    @Override
    public void list(String bucket, String prefix, Consumer<LandingFile> each) {
        files.values().stream().filter(f -> f.key().startsWith(prefix)).forEach(each);
    }

    @Override
    public InputStream open(LandingFile file, long offset) throws FileGoneException {
        LandingFile now = files.get(file.key());
        if (now == null || !now.etag().equals(file.etag())) {
            throw new FileGoneException(file.uri() + " is gone", null);
        }
        byte[] bytes = contents.get(file.key());
        return new ByteArrayInputStream(bytes, (int) offset, bytes.length - (int) offset);
    }

    @Override
    public void close() {}
}
