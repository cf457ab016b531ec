package dev.lakestream.connect.rest;

/** Kafka Connect answered a request with an error status; the message is Connect's own. */
public final class ConnectRestException extends RuntimeException {

    private final int statusCode;

    public ConnectRestException(String method, String path, int statusCode, String message) {
        super(method + " " + path + " -> HTTP " + statusCode + ": " + message);
        this.statusCode = statusCode;
    }

    public int statusCode() {
        return statusCode;
    }
}
