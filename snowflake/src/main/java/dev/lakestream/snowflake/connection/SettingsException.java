package dev.lakestream.snowflake.connection;

/** A Snowflake setting is missing or wrong; the message names the environment variable. */
public final class SettingsException extends RuntimeException {

    public SettingsException(String message) {
        super(message);
    }
}
