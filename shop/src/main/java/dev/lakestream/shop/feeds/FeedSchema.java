package dev.lakestream.shop.feeds;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The shop's two outside feeds, kept in PostgreSQL schema {@value #SCHEMA} beside (not inside) the
 * captured shop tables:
 *
 * <pre>
 *  feeds.exchange_rates  what the exchange-rate API serves: one rate per (base, quote, date),
 *                        updated_at moves when a rate is published or corrected
 *  feeds.foot_traffic    what the door counters wrote into landing files: visitors per store and
 *                        hour, the latest file naming an hour wins
 * </pre>
 *
 * The API serves from the first table and the door-counter simulator records every row it lands in
 * the second, so the gold oracle can be one SQL query over the shop tables and these.
 */
public final class FeedSchema {

    public static final String SCHEMA = "feeds";

    private FeedSchema() {}

    /** Creates the schema and its tables if missing. */
    public static void create(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
            s.execute(
                    "CREATE TABLE IF NOT EXISTS "
                            + SCHEMA
                            + ".exchange_rates (base_currency char(3) NOT NULL,"
                            + " quote_currency char(3) NOT NULL, rate_date date NOT NULL,"
                            + " rate numeric(18,8) NOT NULL CHECK (rate > 0),"
                            + " updated_at timestamptz NOT NULL,"
                            + " PRIMARY KEY (base_currency, quote_currency, rate_date))");
            s.execute(
                    "CREATE INDEX IF NOT EXISTS exchange_rates_updated_at ON "
                            + SCHEMA
                            + ".exchange_rates (updated_at)");
            s.execute(
                    "CREATE TABLE IF NOT EXISTS "
                            + SCHEMA
                            + ".foot_traffic (store_id bigint NOT NULL,"
                            + " hour_start timestamptz NOT NULL, visitors int NOT NULL,"
                            + " file text NOT NULL, line int NOT NULL,"
                            + " PRIMARY KEY (store_id, hour_start))");
        }
    }
}
