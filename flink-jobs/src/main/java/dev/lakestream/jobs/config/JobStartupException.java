package dev.lakestream.jobs.config;

/**
 * A job could not start for a reason other than a bad setting: the message says which job and why.
 */
public final class JobStartupException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public JobStartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
