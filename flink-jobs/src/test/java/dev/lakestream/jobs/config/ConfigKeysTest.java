package dev.lakestream.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakestream.catalog.CatalogSettings;
import dev.lakestream.jobs.bronze.BronzeOptions;
import dev.lakestream.jobs.gold.GoldOptions;
import dev.lakestream.jobs.ingestion.IngestionConfig;
import dev.lakestream.jobs.ingestion.IngestionOptions;
import dev.lakestream.jobs.maintenance.MaintenanceSettings;
import dev.lakestream.jobs.silver.SilverOptions;
import dev.lakestream.jobs.source.postgres.PostgresSourceOptions;
import dev.lakestream.jobs.transformation.TransformationConfig;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.junit.jupiter.api.Test;

class ConfigKeysTest {

    /** An options class as the jobs write them. */
    static final class SampleOptions {
        public static final ConfigOption<String> FIRST =
                ConfigOptions.key("sample.first").stringType().noDefaultValue();
        public static final ConfigOption<Integer> SECOND =
                ConfigOptions.key("sample.second").intType().defaultValue(2);
        static final ConfigOption<String> NOT_PUBLIC =
                ConfigOptions.key("sample.hidden").stringType().noDefaultValue();
        public static final String NOT_AN_OPTION = "sample.text";
    }

    @Test
    void findsThePublicStaticOptionsOfAClassInDeclarationOrder() {
        assertThat(ConfigKeys.optionsOf(SampleOptions.class))
                .containsExactly(SampleOptions.FIRST, SampleOptions.SECOND);
    }

    @Test
    void aClassWithoutOptionsIsAMistake() {
        assertThatThrownBy(() -> ConfigKeys.optionsOf(String.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.String declares no public static ConfigOption");
    }

    @Test
    void listsEveryKeyOnceInTheOrderGiven() {
        assertThat(
                        ConfigKeys.builder()
                                .add(SampleOptions.SECOND)
                                .addAll(SampleOptions.class)
                                .addKeys(List.of("sample.extra", "sample.first"))
                                .build())
                .containsExactly("sample.second", "sample.first", "sample.extra");
    }

    /** The hand-written lists of options classes that still have one agree with their fields. */
    @Test
    void handWrittenOptionListsNameEveryOption() {
        assertThat(BronzeOptions.all())
                .containsExactlyInAnyOrderElementsOf(ConfigKeys.optionsOf(BronzeOptions.class));
        assertThat(GoldOptions.all())
                .containsExactlyInAnyOrderElementsOf(ConfigKeys.optionsOf(GoldOptions.class));
        assertThat(IngestionOptions.all())
                .containsExactlyInAnyOrderElementsOf(ConfigKeys.optionsOf(IngestionOptions.class));
        assertThat(PostgresSourceOptions.all())
                .containsExactlyInAnyOrderElementsOf(
                        ConfigKeys.optionsOf(PostgresSourceOptions.class));
    }

    @Test
    void everyCatalogKeyHasItsOption() throws IllegalAccessException {
        List<String> declared = new ArrayList<>();
        for (Field f : CatalogSettings.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers())
                    && f.getType() == String.class
                    && f.get(null) instanceof String key
                    && !key.equals(CatalogSettings.PASSTHROUGH_PREFIX)) {
                declared.add(key);
            }
        }
        assertThat(declared).isNotEmpty();
        List<String> options = ConfigKeys.builder().addAll(CatalogOptions.class).build();
        assertThat(options).containsExactlyInAnyOrderElementsOf(declared);
    }

    @Test
    void everyJobKnowsTheCatalogKeysAndTheNamespacesItReads() {
        List<String> catalog = ConfigKeys.builder().addAll(CatalogOptions.class).build();
        assertThat(IngestionConfig.knownKeys())
                .containsAll(catalog)
                .contains(BronzeOptions.NAMESPACE.key())
                .doesNotContain(SilverOptions.NAMESPACE.key())
                .doesNotHaveDuplicates();
        assertThat(TransformationConfig.knownKeys())
                .containsAll(catalog)
                .contains(
                        BronzeOptions.NAMESPACE.key(),
                        SilverOptions.NAMESPACE.key(),
                        GoldOptions.NAMESPACE.key())
                .doesNotContain(BronzeOptions.WRITE_PARALLELISM.key())
                .doesNotHaveDuplicates();
        assertThat(MaintenanceSettings.knownKeys())
                .containsAll(catalog)
                .contains(
                        BronzeOptions.NAMESPACE.key(),
                        SilverOptions.NAMESPACE.key(),
                        GoldOptions.NAMESPACE.key())
                .doesNotContain(GoldOptions.KAFKA_TOPIC.key())
                .doesNotHaveDuplicates();
    }
}
