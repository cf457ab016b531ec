package dev.lakestream.connect.config;

/** A connector definition or a tool argument is wrong; the message names the key. */
public final class ConnectorConfigException extends RuntimeException {

    public ConnectorConfigException(String message) {
        super(message);
    }
}
