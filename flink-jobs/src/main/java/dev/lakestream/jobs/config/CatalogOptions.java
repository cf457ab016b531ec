package dev.lakestream.jobs.config;

import dev.lakestream.catalog.CatalogSettings;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * The catalog and S3 keys every job shares ({@code catalog.*}, {@code s3.*}).
 *
 * <p>{@link CatalogSettings} reads them (the iceberg-catalog module does not depend on Flink, so it
 * names its keys as strings); this class gives each one a {@link ConfigOption}, so the jobs derive
 * their known keys the same way from every options class. Keys under {@link
 * CatalogSettings#PASSTHROUGH_PREFIX} go to Iceberg unchecked and are not listed here. A test
 * checks that every key {@link CatalogSettings} declares has its option.
 */
public final class CatalogOptions {

    private CatalogOptions() {}

    public static final ConfigOption<String> NAME =
            ConfigOptions.key(CatalogSettings.NAME)
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Name of the Iceberg catalog (default: lakestream).");

    public static final ConfigOption<String> TYPE =
            ConfigOptions.key(CatalogSettings.TYPE)
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Catalog type: rest, jdbc, glue, hadoop, hive or nessie (or set"
                                    + " catalog.impl).");

    public static final ConfigOption<String> IMPL =
            ConfigOptions.key(CatalogSettings.IMPL)
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Catalog implementation class, instead of catalog.type.");

    public static final ConfigOption<String> URI =
            ConfigOptions.key(CatalogSettings.URI)
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Catalog URI (REST endpoint, JDBC URL, ...).");

    public static final ConfigOption<String> WAREHOUSE =
            ConfigOptions.key(CatalogSettings.WAREHOUSE)
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Warehouse location, e.g. s3://warehouse/.");

    public static final ConfigOption<String> JDBC_USER =
            ConfigOptions.key(CatalogSettings.JDBC_USER)
                    .stringType()
                    .noDefaultValue()
                    .withDescription("User of a JDBC catalog.");

    public static final ConfigOption<String> JDBC_PASSWORD =
            ConfigOptions.key(CatalogSettings.JDBC_PASSWORD)
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Password of a JDBC catalog (a secret: environment only).");

    public static final ConfigOption<String> REST_CREDENTIAL =
            ConfigOptions.key(CatalogSettings.REST_CREDENTIAL)
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Credential of a REST catalog (a secret: environment only).");

    public static final ConfigOption<String> S3_ENDPOINT =
            ConfigOptions.key(CatalogSettings.S3_ENDPOINT)
                    .stringType()
                    .noDefaultValue()
                    .withDescription("S3 endpoint, for S3-compatible stores.");

    public static final ConfigOption<String> S3_PATH_STYLE =
            ConfigOptions.key(CatalogSettings.S3_PATH_STYLE)
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Whether S3 requests use path-style access.");

    public static final ConfigOption<String> S3_REGION =
            ConfigOptions.key(CatalogSettings.S3_REGION)
                    .stringType()
                    .noDefaultValue()
                    .withDescription("S3 client region.");

    public static final ConfigOption<String> S3_ACCESS_KEY =
            ConfigOptions.key(CatalogSettings.S3_ACCESS_KEY)
                    .stringType()
                    .noDefaultValue()
                    .withDescription("S3 access key id (a secret: environment only).");

    public static final ConfigOption<String> S3_SECRET_KEY =
            ConfigOptions.key(CatalogSettings.S3_SECRET_KEY)
                    .stringType()
                    .noDefaultValue()
                    .withDescription("S3 secret access key (a secret: environment only).");

    public static final ConfigOption<String> S3_CONNECT_TIMEOUT =
            ConfigOptions.key(CatalogSettings.S3_CONNECT_TIMEOUT)
                    .stringType()
                    .noDefaultValue()
                    .withDescription("S3 connection timeout.");

    public static final ConfigOption<String> S3_READ_TIMEOUT =
            ConfigOptions.key(CatalogSettings.S3_READ_TIMEOUT)
                    .stringType()
                    .noDefaultValue()
                    .withDescription("S3 socket read timeout.");

    public static final ConfigOption<String> S3_RETRY_NUM_RETRIES =
            ConfigOptions.key(CatalogSettings.S3_RETRY_NUM_RETRIES)
                    .stringType()
                    .noDefaultValue()
                    .withDescription("How often a failed S3 request is retried.");

    public static final ConfigOption<String> S3_RETRY_MIN_WAIT =
            ConfigOptions.key(CatalogSettings.S3_RETRY_MIN_WAIT)
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Shortest wait before an S3 retry.");

    public static final ConfigOption<String> S3_RETRY_MAX_WAIT =
            ConfigOptions.key(CatalogSettings.S3_RETRY_MAX_WAIT)
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Longest wait before an S3 retry.");
}
