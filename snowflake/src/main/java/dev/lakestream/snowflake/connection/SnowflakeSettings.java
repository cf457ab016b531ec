package dev.lakestream.snowflake.connection;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * How the tools reach Snowflake: account, user and key pair, role, warehouse, database and schema,
 * read from the environment and checked at start-up, each error naming its variable.
 *
 * <table>
 *   <caption>Environment</caption>
 *   <tr><td>SNOWFLAKE_ACCOUNT</td><td>account identifier, e.g. {@code myorg-myaccount}</td></tr>
 *   <tr><td>SNOWFLAKE_USER</td><td>user with an RSA public key set</td></tr>
 *   <tr><td>SNOWFLAKE_PRIVATE_KEY</td><td>unencrypted PKCS#8 private key, PEM or its base64
 *       body; or</td></tr>
 *   <tr><td>SNOWFLAKE_PRIVATE_KEY_FILE</td><td>a file holding it (PEM), encrypted if
 *       SNOWFLAKE_PRIVATE_KEY_PASSPHRASE is set</td></tr>
 *   <tr><td>SNOWFLAKE_ROLE, SNOWFLAKE_WAREHOUSE</td><td>optional: the user's defaults
 *       otherwise</td></tr>
 *   <tr><td>SNOWFLAKE_DATABASE, SNOWFLAKE_SCHEMA</td><td>where the lakestream objects live</td></tr>
 *   <tr><td>SNOWFLAKE_HOST</td><td>optional: {@code <account>.snowflakecomputing.com}
 *       otherwise (private link)</td></tr>
 * </table>
 *
 * <p>Key-pair authentication only: there is no password setting. The key never leaves this object's
 * connection properties; {@link #toString()} masks it.
 */
public final class SnowflakeSettings {

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*");
    private static final Pattern ACCOUNT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

    private final String account;
    private final String host;
    private final String user;
    private final PrivateKey privateKey;
    private final Path privateKeyFile;
    private final String passphrase;
    private final String role;
    private final String warehouse;
    private final String database;
    private final String schema;

    private SnowflakeSettings(Map<String, String> env) {
        account = required(env, "SNOWFLAKE_ACCOUNT");
        if (!ACCOUNT.matcher(account).matches()) {
            throw new SettingsException(
                    "SNOWFLAKE_ACCOUNT: '"
                            + account
                            + "' is not an account identifier such as"
                            + " myorg-myaccount");
        }
        host = optional(env, "SNOWFLAKE_HOST").orElse(account + ".snowflakecomputing.com");
        user = required(env, "SNOWFLAKE_USER");
        database = identifier(env, "SNOWFLAKE_DATABASE", required(env, "SNOWFLAKE_DATABASE"));
        schema = identifier(env, "SNOWFLAKE_SCHEMA", required(env, "SNOWFLAKE_SCHEMA"));
        role = optional(env, "SNOWFLAKE_ROLE").orElse(null);
        warehouse = optional(env, "SNOWFLAKE_WAREHOUSE").orElse(null);
        Optional<String> inline = optional(env, "SNOWFLAKE_PRIVATE_KEY");
        Optional<String> file = optional(env, "SNOWFLAKE_PRIVATE_KEY_FILE");
        passphrase = optional(env, "SNOWFLAKE_PRIVATE_KEY_PASSPHRASE").orElse(null);
        if (inline.isPresent() == file.isPresent()) {
            throw new SettingsException(
                    "set exactly one of SNOWFLAKE_PRIVATE_KEY and SNOWFLAKE_PRIVATE_KEY_FILE"
                            + " (key-pair authentication)");
        }
        if (inline.isPresent()) {
            if (passphrase != null) {
                throw new SettingsException(
                        "SNOWFLAKE_PRIVATE_KEY_PASSPHRASE only goes with"
                                + " SNOWFLAKE_PRIVATE_KEY_FILE; SNOWFLAKE_PRIVATE_KEY must be"
                                + " unencrypted");
            }
            privateKey = parse("SNOWFLAKE_PRIVATE_KEY", inline.get());
            privateKeyFile = null;
        } else {
            privateKeyFile = Path.of(file.get());
            if (!Files.isReadable(privateKeyFile)) {
                throw new SettingsException(
                        "SNOWFLAKE_PRIVATE_KEY_FILE: "
                                + privateKeyFile
                                + " is not a readable file");
            }
            // an encrypted key is decrypted by the driver; an unencrypted one is checked now
            privateKey =
                    passphrase == null
                            ? parse("SNOWFLAKE_PRIVATE_KEY_FILE", read(privateKeyFile))
                            : null;
        }
    }

    /** Reads and checks the settings; the exception names the first wrong variable. */
    public static SnowflakeSettings fromEnvironment(Map<String, String> env) {
        return new SnowflakeSettings(env);
    }

    /** True when the variables a live connection needs are present (tests use it to skip). */
    public static boolean present(Map<String, String> env) {
        return optional(env, "SNOWFLAKE_ACCOUNT").isPresent()
                && optional(env, "SNOWFLAKE_USER").isPresent()
                && (optional(env, "SNOWFLAKE_PRIVATE_KEY").isPresent()
                        || optional(env, "SNOWFLAKE_PRIVATE_KEY_FILE").isPresent());
    }

    public String jdbcUrl() {
        return "jdbc:snowflake://" + host + "/";
    }

    /** The driver's connection properties, key-pair authentication (the secret is in here). */
    public Properties connectionProperties() {
        Properties p = new Properties();
        p.put("user", user);
        p.put("authenticator", "SNOWFLAKE_JWT");
        if (privateKey != null) {
            p.put("privateKey", privateKey);
        } else {
            p.put("private_key_file", privateKeyFile.toString());
            p.put("private_key_file_pwd", passphrase);
        }
        p.put("db", database);
        p.put("schema", schema);
        if (role != null) {
            p.put("role", role);
        }
        if (warehouse != null) {
            p.put("warehouse", warehouse);
        }
        p.put("application", "lakestream");
        // JSON results: the default Arrow format needs --add-opens java.base/java.nio on Java 17
        p.put("JDBC_QUERY_RESULT_FORMAT", "JSON");
        return p;
    }

    public String database() {
        return database;
    }

    public String schema() {
        return schema;
    }

    public String user() {
        return user;
    }

    @Override
    public String toString() {
        return "Snowflake "
                + user
                + "@"
                + host
                + " role="
                + (role == null ? "(default)" : role)
                + " warehouse="
                + (warehouse == null ? "(default)" : warehouse)
                + " "
                + database
                + "."
                + schema
                + " key="
                + (privateKeyFile == null ? "SNOWFLAKE_PRIVATE_KEY (********)" : privateKeyFile);
    }

    private static String identifier(Map<String, String> env, String name, String value) {
        if (!IDENTIFIER.matcher(value).matches()) {
            throw new SettingsException(
                    name
                            + ": '"
                            + value
                            + "' must be an unquoted identifier ([A-Za-z_][A-Za-z0-9_$]*)");
        }
        return value.toUpperCase(java.util.Locale.ROOT);
    }

    private static String required(Map<String, String> env, String name) {
        return optional(env, name).orElseThrow(() -> new SettingsException(name + " is not set"));
    }

    private static Optional<String> optional(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new SettingsException("SNOWFLAKE_PRIVATE_KEY_FILE: cannot read " + file);
        }
    }

    /** An unencrypted PKCS#8 RSA key, PEM or base64 body. Never echoes the value. */
    static PrivateKey parse(String variable, String text) {
        if (text.contains("ENCRYPTED PRIVATE KEY")) {
            throw new SettingsException(
                    variable
                            + " holds an encrypted key: use SNOWFLAKE_PRIVATE_KEY_FILE with"
                            + " SNOWFLAKE_PRIVATE_KEY_PASSPHRASE");
        }
        if (text.contains("BEGIN RSA PRIVATE KEY")) {
            throw new SettingsException(
                    variable
                            + " holds a PKCS#1 key: convert it to PKCS#8 (openssl pkcs8 -topk8"
                            + " -nocrypt)");
        }
        String body =
                text.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
        try {
            byte[] der = Base64.getDecoder().decode(body);
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (IllegalArgumentException | InvalidKeySpecException e) {
            throw new SettingsException(variable + " is not a PKCS#8 RSA private key");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no RSA", e);
        }
    }
}
