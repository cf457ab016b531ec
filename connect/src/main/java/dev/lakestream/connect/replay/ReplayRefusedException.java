package dev.lakestream.connect.replay;

/**
 * A replay refused by its checks before the connector was touched: the connector still runs as it
 * did, and the message says per partition what is wrong and what to do.
 */
public final class ReplayRefusedException extends RuntimeException {

    public ReplayRefusedException(String message) {
        super(message);
    }
}
