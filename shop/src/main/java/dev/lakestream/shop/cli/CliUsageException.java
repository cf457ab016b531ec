package dev.lakestream.shop.cli;

/**
 * A command line that cannot be run: unknown flag, missing or malformed value. The message names
 * the flag and is meant to be shown to the user as it is; the CLI exits with status 2.
 */
public final class CliUsageException extends Exception {
    private static final long serialVersionUID = 1L;

    public CliUsageException(String message) {
        super(message);
    }
}
