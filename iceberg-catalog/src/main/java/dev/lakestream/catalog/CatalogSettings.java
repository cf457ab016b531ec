package dev.lakestream.catalog;

import java.io.Serializable;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.aws.AwsClientProperties;
import org.apache.iceberg.aws.HttpClientProperties;
import org.apache.iceberg.aws.s3.S3FileIOProperties;

/**
 * Where the Iceberg tables live: which catalog, which warehouse, and how to reach S3.
 *
 * <p>Built from lakestream's flat keys ({@code catalog.*}, {@code s3.*}) and turned into the
 * property map Iceberg's own {@link CatalogUtil} understands, so every catalog Iceberg can load
 * (REST, JDBC, Glue, Hadoop, Hive, Nessie, or any {@code catalog.impl}) works without code here.
 * Keys this class does not model pass through verbatim as {@code catalog.property.<iceberg-key>}.
 *
 * <p>Secrets (S3 keys, JDBC password, REST credential) are held here but never printed: {@link
 * #toString()} and {@link #describe()} mask them.
 */
public final class CatalogSettings implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final String NAME = "catalog.name";
    public static final String TYPE = "catalog.type";
    public static final String IMPL = "catalog.impl";
    public static final String URI = "catalog.uri";
    public static final String WAREHOUSE = "catalog.warehouse";
    public static final String JDBC_USER = "catalog.jdbc.user";
    public static final String JDBC_PASSWORD = "catalog.jdbc.password";
    public static final String REST_CREDENTIAL = "catalog.rest.credential";
    public static final String PASSTHROUGH_PREFIX = "catalog.property.";

    /** Iceberg's JdbcClientPool key (JdbcUtil.RETRYABLE_STATUS_CODES, package-private). */
    static final String JDBC_RETRYABLE_STATUS_CODES = "retryable_status_codes";

    /** PostgreSQL's SQLSTATEs of a server that shut down, crashed or is starting: 57P01-57P03. */
    static final String POSTGRES_RESTART_STATES = "57P01,57P02,57P03";

    public static final String S3_ENDPOINT = "s3.endpoint";
    public static final String S3_PATH_STYLE = "s3.path-style-access";
    public static final String S3_REGION = "s3.region";
    public static final String S3_ACCESS_KEY = "s3.access-key-id";
    public static final String S3_SECRET_KEY = "s3.secret-access-key";
    public static final String S3_CONNECT_TIMEOUT = "s3.connect-timeout";
    public static final String S3_READ_TIMEOUT = "s3.read-timeout";
    public static final String S3_RETRY_NUM_RETRIES = "s3.retry.num-retries";
    public static final String S3_RETRY_MIN_WAIT = "s3.retry.min-wait";
    public static final String S3_RETRY_MAX_WAIT = "s3.retry.max-wait";

    /** Keys whose values are secrets: read from the environment, never logged. */
    public static final Set<String> SECRET_KEYS =
            Set.of(JDBC_PASSWORD, REST_CREDENTIAL, S3_ACCESS_KEY, S3_SECRET_KEY);

    private static final Map<String, String> IMPL_BY_TYPE =
            Map.of(
                    CatalogUtil.ICEBERG_CATALOG_TYPE_REST, CatalogUtil.ICEBERG_CATALOG_REST,
                    CatalogUtil.ICEBERG_CATALOG_TYPE_JDBC, CatalogUtil.ICEBERG_CATALOG_JDBC,
                    CatalogUtil.ICEBERG_CATALOG_TYPE_GLUE, CatalogUtil.ICEBERG_CATALOG_GLUE,
                    CatalogUtil.ICEBERG_CATALOG_TYPE_HADOOP, CatalogUtil.ICEBERG_CATALOG_HADOOP,
                    CatalogUtil.ICEBERG_CATALOG_TYPE_HIVE, CatalogUtil.ICEBERG_CATALOG_HIVE,
                    CatalogUtil.ICEBERG_CATALOG_TYPE_NESSIE, CatalogUtil.ICEBERG_CATALOG_NESSIE);

    private final String name;
    private final String impl;
    private final Map<String, String> icebergProperties;

    private CatalogSettings(String name, String impl, Map<String, String> icebergProperties) {
        this.name = name;
        this.impl = impl;
        this.icebergProperties = icebergProperties;
    }

    /**
     * Reads the catalog settings out of a flat configuration map.
     *
     * @throws InvalidSettingException naming the key that is missing or wrong
     */
    public static CatalogSettings fromMap(Map<String, String> settings) {
        String name = settings.getOrDefault(NAME, "lakestream").trim();
        if (name.isEmpty()) {
            throw new InvalidSettingException(NAME, "must not be empty");
        }
        String type = trimToNull(settings.get(TYPE));
        String impl = trimToNull(settings.get(IMPL));
        if (type == null && impl == null) {
            throw new InvalidSettingException(
                    TYPE,
                    "is missing: set one of "
                            + new TreeMap<>(IMPL_BY_TYPE).keySet()
                            + " (or "
                            + IMPL
                            + ")");
        }
        if (type != null && impl != null) {
            throw new InvalidSettingException(IMPL, "cannot be set together with " + TYPE);
        }
        if (impl == null) {
            impl = IMPL_BY_TYPE.get(type.toLowerCase(Locale.ROOT));
            if (impl == null) {
                throw new InvalidSettingException(
                        TYPE,
                        "'"
                                + type
                                + "' is not a catalog type; use one of "
                                + new TreeMap<>(IMPL_BY_TYPE).keySet());
            }
        }

        Map<String, String> props = new HashMap<>();
        String warehouse = trimToNull(settings.get(WAREHOUSE));
        String uri = trimToNull(settings.get(URI));
        boolean needsUri =
                impl.equals(CatalogUtil.ICEBERG_CATALOG_REST)
                        || impl.equals(CatalogUtil.ICEBERG_CATALOG_JDBC)
                        || impl.equals(CatalogUtil.ICEBERG_CATALOG_NESSIE);
        if (needsUri && uri == null) {
            throw new InvalidSettingException(URI, "is missing (required by " + impl + ")");
        }
        boolean needsWarehouse =
                impl.equals(CatalogUtil.ICEBERG_CATALOG_JDBC)
                        || impl.equals(CatalogUtil.ICEBERG_CATALOG_HADOOP)
                        || impl.equals(CatalogUtil.ICEBERG_CATALOG_GLUE);
        if (needsWarehouse && warehouse == null) {
            throw new InvalidSettingException(WAREHOUSE, "is missing (e.g. s3://bucket/warehouse)");
        }
        put(props, CatalogProperties.URI, uri);
        put(props, CatalogProperties.WAREHOUSE_LOCATION, warehouse);
        if (impl.equals(CatalogUtil.ICEBERG_CATALOG_JDBC)) {
            // a pooled connection that a database restart or failover ended answers its next
            // query with admin_shutdown, crash_shutdown or cannot_connect_now; Iceberg reconnects
            // on these as on its own connection errors instead of failing the commit
            // (catalog.property.retryable_status_codes replaces this list; Iceberg's own
            // connection codes always apply)
            props.put(JDBC_RETRYABLE_STATUS_CODES, POSTGRES_RESTART_STATES);
        }
        put(props, "jdbc.user", settings.get(JDBC_USER));
        put(props, "jdbc.password", settings.get(JDBC_PASSWORD));
        put(props, "credential", settings.get(REST_CREDENTIAL));

        boolean usesS3 =
                (warehouse != null
                                && (warehouse.startsWith("s3://")
                                        || warehouse.startsWith("s3a://")))
                        || settings.containsKey(S3_ENDPOINT);
        if (usesS3) {
            props.put(CatalogProperties.FILE_IO_IMPL, "org.apache.iceberg.aws.s3.S3FileIO");
            S3Access s3 = S3Access.fromMap(settings);
            put(props, S3FileIOProperties.ENDPOINT, s3.endpoint());
            props.put(S3FileIOProperties.PATH_STYLE_ACCESS, Boolean.toString(s3.pathStyleAccess()));
            put(props, AwsClientProperties.CLIENT_REGION, s3.region());
            put(props, S3FileIOProperties.ACCESS_KEY_ID, s3.accessKeyId());
            put(props, S3FileIOProperties.SECRET_ACCESS_KEY, s3.secretAccessKey());
            // Apache is the only HTTP client in iceberg-aws-bundle, and the time-outs below are
            // its keys: name it, so a changed Iceberg default cannot drop them silently.
            props.put(HttpClientProperties.CLIENT_TYPE, HttpClientProperties.CLIENT_TYPE_APACHE);
            props.put(
                    HttpClientProperties.APACHE_CONNECTION_TIMEOUT_MS,
                    Long.toString(s3.connectTimeout().toMillis()));
            props.put(
                    HttpClientProperties.APACHE_SOCKET_TIMEOUT_MS,
                    Long.toString(s3.readTimeout().toMillis()));
            props.put(S3FileIOProperties.S3_RETRY_NUM_RETRIES, Integer.toString(s3.numRetries()));
            props.put(
                    S3FileIOProperties.S3_RETRY_MIN_WAIT_MS,
                    Long.toString(s3.retryMinWait().toMillis()));
            props.put(
                    S3FileIOProperties.S3_RETRY_MAX_WAIT_MS,
                    Long.toString(s3.retryMaxWait().toMillis()));
        }
        settings.forEach(
                (k, v) -> {
                    if (k.startsWith(PASSTHROUGH_PREFIX)) {
                        props.put(k.substring(PASSTHROUGH_PREFIX.length()), v);
                    }
                });
        return new CatalogSettings(name, impl, Collections.unmodifiableMap(props));
    }

    private static void put(Map<String, String> props, String key, String value) {
        String v = trimToNull(value);
        if (v != null) {
            props.put(key, v);
        }
    }

    private static String trimToNull(String value) {
        if (value == null) {
            return null;
        }
        String t = value.trim();
        return t.isEmpty() ? null : t;
    }

    public String name() {
        return name;
    }

    /** The catalog implementation class Iceberg will load. */
    public String impl() {
        return impl;
    }

    /** Properties handed to {@code Catalog#initialize}; contains secrets, do not log. */
    public Map<String, String> icebergProperties() {
        return icebergProperties;
    }

    /** A loggable one-line description with secrets masked. */
    public String describe() {
        Map<String, String> shown = new TreeMap<>();
        icebergProperties.forEach((k, v) -> shown.put(k, isSecretProperty(k) ? "****" : v));
        return name + " (" + impl + ") " + shown;
    }

    private static boolean isSecretProperty(String icebergKey) {
        String k = icebergKey.toLowerCase(Locale.ROOT);
        return k.contains("password")
                || k.contains("secret")
                || k.contains("credential")
                || k.contains("access-key")
                || k.contains("token");
    }

    @Override
    public String toString() {
        return describe();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CatalogSettings other
                && name.equals(other.name)
                && impl.equals(other.impl)
                && icebergProperties.equals(other.icebergProperties);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, impl, icebergProperties);
    }
}
