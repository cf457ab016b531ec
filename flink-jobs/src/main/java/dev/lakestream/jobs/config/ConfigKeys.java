package dev.lakestream.jobs.config;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;

/**
 * The keys a job understands, derived from its options classes instead of listed again by hand.
 *
 * <p>An options class holds one {@code public static final ConfigOption} field per setting; every
 * such field is a known key. A new option is therefore known to every job that reads its class the
 * moment it is declared: it can neither be rejected as unknown nor be missing from the deployment
 * checks that compare manifests with {@code knownKeys()}.
 *
 * <pre>
 *   List&lt;String&gt; keys = ConfigKeys.builder()
 *           .addAll(TransformationOptions.class, GoldOptions.class, CatalogOptions.class)
 *           .add(BronzeOptions.NAMESPACE)
 *           .build();
 * </pre>
 */
public final class ConfigKeys {

    private final Set<String> keys = new LinkedHashSet<>();

    private ConfigKeys() {}

    public static ConfigKeys builder() {
        return new ConfigKeys();
    }

    /** Every key of the given options classes, in declaration order. */
    public ConfigKeys addAll(Class<?>... optionsClasses) {
        for (Class<?> optionsClass : optionsClasses) {
            for (ConfigOption<?> option : optionsOf(optionsClass)) {
                keys.add(option.key());
            }
        }
        return this;
    }

    /** Single options of a class whose other keys belong to another job. */
    public ConfigKeys add(ConfigOption<?>... options) {
        for (ConfigOption<?> option : options) {
            keys.add(option.key());
        }
        return this;
    }

    /** Keys that are not modelled as options (e.g. the REST source's derived list). */
    public ConfigKeys addKeys(Collection<String> more) {
        keys.addAll(more);
        return this;
    }

    /** The keys, each once, in the order they were added. */
    public List<String> build() {
        return List.copyOf(keys);
    }

    /**
     * The {@code public static final ConfigOption} fields of an options class, in declaration
     * order.
     */
    public static List<ConfigOption<?>> optionsOf(Class<?> optionsClass) {
        List<ConfigOption<?>> options = new ArrayList<>();
        for (Field field : optionsClass.getDeclaredFields()) {
            int modifiers = field.getModifiers();
            if (Modifier.isPublic(modifiers)
                    && Modifier.isStatic(modifiers)
                    && Modifier.isFinal(modifiers)
                    && ConfigOption.class.isAssignableFrom(field.getType())) {
                try {
                    options.add((ConfigOption<?>) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(
                            "cannot read " + optionsClass.getName() + "." + field.getName(), e);
                }
            }
        }
        if (options.isEmpty()) {
            throw new IllegalArgumentException(
                    optionsClass.getName() + " declares no public static ConfigOption field");
        }
        return options;
    }
}
