package dev.lakestream.shop.feeds;

import java.sql.Connection;
import java.sql.SQLException;

/** Opens a new connection to the database holding the feeds; the caller closes it. */
@FunctionalInterface
public interface ConnectionSource {
    Connection open() throws SQLException;
}
