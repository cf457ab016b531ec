package dev.lakestream.snowflake.migration;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The Flyway set-up of the Snowflake schema, one place for the CLI, the live tests and the offline
 * test that lists the migrations.
 *
 * <p>Scripts live in {@code db/snowflake} on the classpath: versioned {@code V<n>__*.sql}, applied
 * once each in version order, and the callback {@code afterMigrate__resume_tasks.sql}, run after
 * every migrate as its last step. Objects are created unqualified, in the schema of the connection
 * (SNOWFLAKE_SCHEMA), where Flyway also keeps its history table.
 */
public final class SnowflakeMigrations {

    public static final String LOCATION = "classpath:db/snowflake";

    private SnowflakeMigrations() {}

    public static Flyway flyway(DataSource dataSource, String schema) {
        return Flyway.configure()
                .dataSource(dataSource)
                .locations(LOCATION)
                .schemas(schema)
                .defaultSchema(schema)
                // the scripts contain no Flyway placeholders; ${...} stays literal SQL
                .placeholderReplacement(false)
                .validateMigrationNaming(true)
                .cleanDisabled(true)
                .load();
    }
}
