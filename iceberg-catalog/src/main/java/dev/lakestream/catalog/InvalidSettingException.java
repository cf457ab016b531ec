package dev.lakestream.catalog;

/**
 * A configuration value is missing or wrong. The message always starts with the key, so the person
 * starting the job knows what to fix: {@code source.postgres.slot-name is missing}.
 */
public class InvalidSettingException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String key;

    public InvalidSettingException(String key, String problem) {
        super(key + " " + problem);
        this.key = key;
    }

    public InvalidSettingException(String key, String problem, Throwable cause) {
        super(key + " " + problem, cause);
        this.key = key;
    }

    /** The configuration key at fault. */
    public String key() {
        return key;
    }
}
