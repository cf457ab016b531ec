package dev.lakestream.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lakestream.deployment.Manifests.ManifestException;
import dev.lakestream.deployment.Manifests.Parsed;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every manifest file parses into the typed model of its API, and unknown fields fail. */
class ManifestModelsTest {

    static List<Path> manifestFiles() {
        return Repo.manifestFiles();
    }

    @ParameterizedTest
    @MethodSource("manifestFiles")
    void parsesIntoTheTypedModelOfItsApi(Path file) {
        List<Parsed> parsed = Manifests.parseAll(file);

        assertThat(parsed).as(file.toString()).isNotEmpty();
        assertThat(parsed)
                .allSatisfy(p -> assertThat(p.model()).isNotNull())
                .allSatisfy(p -> assertThat(p.name()).isNotBlank());
    }

    @Test
    void findsTheManifestsOfEveryApi() {
        List<String> kinds =
                manifestFiles().stream()
                        .flatMap(f -> Manifests.parseAll(f).stream())
                        .map(Parsed::kind)
                        .distinct()
                        .toList();

        assertThat(kinds)
                .contains(
                        "FlinkDeployment",
                        "KafkaConnect",
                        "KafkaConnector",
                        "KafkaTopic",
                        "ServiceAccount",
                        "Secret");
    }

    @Test
    void refusesAnUnknownFieldInAFlinkDeployment() {
        JsonNode doc = first(Repo.BASE.resolve("flink-ingestion.yaml"));
        JsonNode typo = Manifests.with(doc, "spec/job", "upgadeMode", "savepoint");

        assertThatThrownBy(() -> Manifests.parse("typo", typo))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("/spec/job/upgadeMode");
    }

    @Test
    void refusesAnUnknownFieldInAPodTemplateOfAFlinkDeployment() {
        JsonNode doc = first(Repo.BASE.resolve("flink-ingestion.yaml"));
        JsonNode typo =
                Manifests.with(doc, "spec/podTemplate/spec/containers/0", "volumeMount", List.of());
        JsonNode typo2 =
                Manifests.with(
                        doc,
                        "spec/podTemplate/spec/containers/0",
                        "envFrm",
                        List.of(Map.of("configMapRef", Map.of("name", "x"))));

        assertThatThrownBy(() -> Manifests.parse("typo", typo))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("containers/0/volumeMount");
        assertThatThrownBy(() -> Manifests.parse("typo", typo2))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("containers/0/envFrm");
    }

    @Test
    void refusesAnUnknownFieldInAStrimziResource() {
        JsonNode connect = first(Repo.BASE.resolve("kafka-connect.yaml"));
        JsonNode typo = Manifests.with(connect, "spec", "bootstrapServer", "kafka:9092");
        JsonNode nested = Manifests.with(connect, "spec/build/output", "pushSecrets", "x");

        assertThatThrownBy(() -> Manifests.parse("typo", typo))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("/spec/bootstrapServer");
        assertThatThrownBy(() -> Manifests.parse("typo", nested))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("/spec/build/output/pushSecrets");
    }

    @Test
    void refusesAnUnknownFieldInACoreObject() {
        JsonNode secret = first(Repo.SECRET_TEMPLATES.resolve("shop-db.yaml"));
        JsonNode typo = Manifests.with(secret, "metadata", "lables", Map.of("a", "b"));

        assertThatThrownBy(() -> Manifests.parse("typo", typo))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("/metadata/lables");
    }

    @Test
    void refusesAnApiVersionWithoutAModel() {
        JsonNode topic = first(Repo.BASE.resolve("kafka-topics.yaml"));
        JsonNode old = Manifests.with(topic, "", "apiVersion", "kafka.strimzi.io/v1beta1");

        assertThatThrownBy(() -> Manifests.parse("old", old))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("no model for kafka.strimzi.io/v1beta1/KafkaTopic");
    }

    private static JsonNode first(Path file) {
        return Manifests.documents(file).get(0);
    }
}
