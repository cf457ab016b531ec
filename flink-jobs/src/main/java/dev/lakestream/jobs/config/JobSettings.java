package dev.lakestream.jobs.config;

import dev.lakestream.catalog.InvalidSettingException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * One job's configuration: a properties file, then environment overrides, validated before anything
 * starts.
 *
 * <p>Precedence, resolved here and nowhere else: environment variable &gt; file &gt; option
 * default. A key {@code source.postgres.slot-name} is overridden by {@code
 * LAKESTREAM_SOURCE_POSTGRES_SLOT_NAME}. Secret keys (passwords, S3 keys) are accepted only from
 * the environment, either directly or as {@code <VAR>_FILE} naming a mounted file; a secret found
 * in the file stops start-up, so secrets never get committed with configuration.
 *
 * <p>Keys under lakestream's own prefixes ({@code source.}, {@code bronze.}, {@code catalog.},
 * {@code s3.}, {@code job.}) must be known: a typo stops start-up with the nearest known key. Every
 * other key is handed to Flink unchanged ({@code execution.checkpointing.interval}, {@code
 * execution.checkpointing.dir}, {@code parallelism.default}, ...).
 */
public final class JobSettings {

    public static final String ENV_PREFIX = "LAKESTREAM_";
    private static final Set<String> OWN_PREFIXES =
            Set.of(
                    "source.",
                    "bronze.",
                    "silver.",
                    "gold.",
                    "quarantine.",
                    "catalog.",
                    "s3.",
                    "job.",
                    "maintenance.");

    private final Map<String, String> values;

    private JobSettings(Map<String, String> values) {
        this.values = values;
    }

    /**
     * Loads settings.
     *
     * @param file properties file, or {@code null} for environment only
     * @param environment usually {@link System#getenv()}
     * @param knownKeys every key lakestream understands (options and catalog keys)
     * @param secretKeys keys that must only come from the environment
     * @param openPrefixes prefixes under which any key is accepted (e.g. {@code catalog.property.})
     */
    public static JobSettings load(
            Path file,
            Map<String, String> environment,
            Collection<String> knownKeys,
            Set<String> secretKeys,
            Set<String> openPrefixes) {
        Map<String, String> values = new HashMap<>();
        if (file != null) {
            if (!Files.isReadable(file)) {
                throw new InvalidSettingException(
                        "--config", "names a file that cannot be read: " + file);
            }
            Properties props = new Properties();
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                props.load(in);
            } catch (IOException e) {
                throw new InvalidSettingException(
                        "--config", "could not be read: " + e.getMessage(), e);
            }
            for (String key : props.stringPropertyNames()) {
                if (secretKeys.contains(key)) {
                    throw new InvalidSettingException(
                            key,
                            "is a secret and must not be in "
                                    + file
                                    + "; set the environment variable "
                                    + envName(key)
                                    + " (or "
                                    + envName(key)
                                    + "_FILE naming a mounted file)");
                }
                values.put(key, props.getProperty(key).trim());
            }
        }
        Set<String> candidates = new LinkedHashSet<>(knownKeys);
        candidates.addAll(values.keySet());
        for (String key : candidates) {
            String env = envName(key);
            String fromEnv = environment.get(env);
            if (fromEnv == null
                    && secretKeys.contains(key)
                    && environment.containsKey(env + "_FILE")) {
                Path secretFile = Path.of(environment.get(env + "_FILE"));
                try {
                    fromEnv = Files.readString(secretFile, StandardCharsets.UTF_8).trim();
                } catch (IOException e) {
                    throw new InvalidSettingException(
                            key,
                            "secret file " + secretFile + " (from " + env + "_FILE) cannot be read",
                            e);
                }
            }
            if (fromEnv != null) {
                values.put(key, fromEnv.trim());
            }
        }
        rejectUnknownKeys(values, knownKeys, openPrefixes);
        rejectMisspelledVariables(environment, knownKeys, secretKeys);
        return new JobSettings(values);
    }

    /**
     * A {@code LAKESTREAM_*} variable that names no setting of this job but nearly names one (at
     * most two letters off, e.g. {@code LAKESTREAM_SOURCE_POSTGRES_SLOTNAME}) is a typo that would
     * otherwise be ignored silently. Variables far from every key are left alone: a deployment may
     * give one environment to both jobs, and each job knows only its own keys.
     */
    private static void rejectMisspelledVariables(
            Map<String, String> environment, Collection<String> knownKeys, Set<String> secretKeys) {
        Set<String> names = new LinkedHashSet<>();
        Map<String, String> keyByName = new HashMap<>();
        for (String key : knownKeys) {
            names.add(envName(key));
            keyByName.put(envName(key), key);
            if (secretKeys.contains(key)) {
                names.add(envName(key) + "_FILE");
                keyByName.put(envName(key) + "_FILE", key);
            }
        }
        for (String variable : new java.util.TreeSet<>(environment.keySet())) {
            if (!variable.startsWith(ENV_PREFIX)
                    || names.contains(variable)
                    || LAUNCHER_VARIABLES.contains(variable)) {
                continue;
            }
            for (String name : names) {
                if (editDistance(variable, name) <= 2) {
                    throw new InvalidSettingException(
                            keyByName.get(name),
                            "environment variable "
                                    + variable
                                    + " names no setting (did you mean "
                                    + name
                                    + "?)");
                }
            }
        }
    }

    /** {@code LAKESTREAM_*} variables that are not settings: the launchers' own. */
    private static final Set<String> LAUNCHER_VARIABLES =
            Set.of("LAKESTREAM_CONFIG", "LAKESTREAM_HEAP", "LAKESTREAM_SKIP_BUILD");

    /**
     * Settings given in code (the local stack, tests): the same unknown-key checks as a file, but
     * secrets may be passed directly since nothing is written down.
     */
    public static JobSettings fromMap(
            Map<String, String> settings, Collection<String> knownKeys, Set<String> openPrefixes) {
        Map<String, String> values = new HashMap<>(settings);
        rejectUnknownKeys(values, knownKeys, openPrefixes);
        return new JobSettings(values);
    }

    private static void rejectUnknownKeys(
            Map<String, String> values, Collection<String> knownKeys, Set<String> openPrefixes) {
        for (String key : values.keySet()) {
            boolean own = OWN_PREFIXES.stream().anyMatch(key::startsWith);
            boolean open = openPrefixes.stream().anyMatch(key::startsWith);
            if (own && !open && !knownKeys.contains(key)) {
                throw new InvalidSettingException(
                        key, "is not a lakestream setting" + suggestion(key, knownKeys));
            }
        }
    }

    /** {@code source.postgres.slot-name} becomes {@code LAKESTREAM_SOURCE_POSTGRES_SLOT_NAME}. */
    public static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static String suggestion(String key, Collection<String> knownKeys) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String known : knownKeys) {
            int d = editDistance(key, known);
            if (d < bestDistance) {
                bestDistance = d;
                best = known;
            }
        }
        return best != null && bestDistance <= Math.max(3, key.length() / 4)
                ? " (did you mean " + best + "?)"
                : "";
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** All settings as a flat map (contains secrets: never log it). */
    public Map<String, String> asMap() {
        return Map.copyOf(values);
    }

    /** Settings that are not lakestream's own, for Flink's configuration. */
    public Configuration flinkConfiguration() {
        Map<String, String> flink = new TreeMap<>();
        values.forEach(
                (k, v) -> {
                    if (OWN_PREFIXES.stream().noneMatch(k::startsWith)) {
                        flink.put(k, v);
                    }
                });
        return Configuration.fromMap(flink);
    }

    /** Reads a typed option, turning a parse failure into an error naming the key. */
    public <T> T get(ConfigOption<T> option) {
        Configuration conf = Configuration.fromMap(values);
        try {
            return conf.get(option);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(
                    option.key(),
                    "has an invalid value '" + values.get(option.key()) + "': " + rootMessage(e),
                    e);
        }
    }

    /** Reads a required option: missing or blank stops start-up naming the key. */
    public <T> T require(ConfigOption<T> option) {
        T value = get(option);
        if (value == null || (value instanceof String s && s.isBlank())) {
            throw new InvalidSettingException(
                    option.key(),
                    "is missing: set it in the configuration file or as " + envName(option.key()));
        }
        return value;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
