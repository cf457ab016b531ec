package dev.lakestream.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfiles follow {@link DockerfileRules} and put the jars where the manifests and the
 * compose file look for them. (They are not built here: there is no Docker engine on the build
 * machine.)
 */
class DockerfilesTest {

    private final String flink = Repo.read(Repo.ROOT.resolve("flink-jobs/Dockerfile"));
    private final String connect = Repo.read(Repo.ROOT.resolve("connect/Dockerfile"));
    private final String shop = Repo.read(Repo.ROOT.resolve("shop/Dockerfile"));

    private Map<String, String> dockerfiles() {
        return Map.of(
                "flink-jobs/Dockerfile",
                flink,
                "connect/Dockerfile",
                connect,
                "shop/Dockerfile",
                shop);
    }

    @Test
    void everyBaseImageIsPinnedAndPublished() {
        dockerfiles()
                .forEach(
                        (name, text) ->
                                assertThat(DockerfileRules.pinnedBaseImages(name, text))
                                        .as(name)
                                        .isEmpty());
        assertThat(flink).contains("FROM flink:1.20.3-scala_2.12-java17");

        String broken =
                flink.replace(
                                "FROM maven:3.9.11-eclipse-temurin-17 AS build",
                                "FROM maven:3-eclipse-temurin-17 AS build")
                        .replace(
                                "FROM flink:1.20.3-scala_2.12-java17", "FROM bitnami/flink:1.20.3");
        assertThat(DockerfileRules.pinnedBaseImages("flink-jobs/Dockerfile", broken))
                .containsExactly(
                        "flink-jobs/Dockerfile: FROM maven:3-eclipse-temurin-17 is not pinned to a"
                                + " fixed tag: 3 floats over every release it prefixes",
                        "flink-jobs/Dockerfile: FROM bitnami/flink:1.20.3 comes from a"
                                + " discontinued repository: "
                                + ImageReferences.DISCONTINUED.get("bitnami/"));
        // a stage built on an earlier one names no image
        assertThat(
                        DockerfileRules.pinnedBaseImages(
                                "x", "FROM maven:3.9.11-eclipse-temurin-17 AS build\nFROM build\n"))
                .isEmpty();
        assertThat(DockerfileRules.pinnedBaseImages("x", "FROM ubuntu\n"))
                .containsExactly("x: FROM ubuntu is not pinned to a fixed tag");
    }

    @Test
    void everyImageBuildsItsJarFromSourceInAMavenStage() {
        assertThat(DockerfileRules.buildsFromSource("flink-jobs/Dockerfile", flink, "flink-jobs"))
                .isEmpty();
        assertThat(DockerfileRules.buildsFromSource("connect/Dockerfile", connect, "connect"))
                .isEmpty();
        assertThat(DockerfileRules.buildsFromSource("shop/Dockerfile", shop, "shop")).isEmpty();

        String prebuilt =
                "FROM flink:1.20.3-scala_2.12-java17\n"
                        + "COPY --chown=flink:flink target/lakestream-flink-jobs-*-job.jar"
                        + " /opt/flink/usrlib/lakestream-flink-jobs.jar\nUSER flink\n";
        assertThat(DockerfileRules.buildsFromSource("old", prebuilt, "flink-jobs"))
                .containsExactly("old has a single stage: it copies a jar built outside the image");
        String wrongModule = flink.replace("-pl flink-jobs -am", "-pl shop -am");
        assertThat(DockerfileRules.buildsFromSource("f", wrongModule, "flink-jobs"))
                .containsExactly("f's first stage does not run mvn -pl flink-jobs -am package");
        String copiesContext =
                flink.replace(
                        "COPY --from=build --chown=flink:flink /src/flink-jobs/target/",
                        "COPY --chown=flink:flink flink-jobs/target/");
        assertThat(DockerfileRules.buildsFromSource("f", copiesContext, "flink-jobs"))
                .containsExactly(
                        "f's final stage copies nothing from stage build",
                        "f's final stage copies a target/ folder of the build context");
    }

    @Test
    void everyImageRunsAsANonRootUser() {
        dockerfiles()
                .forEach(
                        (name, text) ->
                                assertThat(DockerfileRules.nonRootUser(name, text))
                                        .as(name)
                                        .isEmpty());
        assertThat(DockerfileRules.finalUser(flink)).isEqualTo("flink");
        assertThat(DockerfileRules.finalUser(connect)).isEqualTo("appuser");
        assertThat(DockerfileRules.finalUser(shop)).isEqualTo("10001");

        assertThat(DockerfileRules.nonRootUser("f", flink.replace("USER flink", "")))
                .containsExactly(
                        "f's final stage has no USER: it runs as whatever its base image says,"
                                + " root for most");
        assertThat(DockerfileRules.nonRootUser("s", shop.replace("USER 10001", "USER 0:0")))
                .containsExactly("s's final stage runs as 0:0");
        assertThat(
                        DockerfileRules.nonRootUser(
                                "c", connect.replace("USER appuser", "USER appuser\nRUN true")))
                .containsExactly("c runs commands after its last USER; put USER at the end");
        // a USER of the build stage does not count for the image
        assertThat(
                        DockerfileRules.nonRootUser(
                                "b",
                                "FROM maven:3.9.11-eclipse-temurin-17 AS build\nUSER 1000\n"
                                        + "FROM eclipse-temurin:17.0.15_6-jre-jammy\n"))
                .hasSize(1);
    }

    @Test
    void theBuildContextLeavesBuildOutputAndGitOut() {
        List<String> ignored =
                List.of(Repo.read(Repo.ROOT.resolve(".dockerignore")).split("\n")).stream()
                        .map(String::strip)
                        .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                        .toList();
        assertThat(ignored).contains("**/target", ".git", ".local-data", ".env");
        // what the final stages copy from the context stays in it
        assertThat(ignored).noneMatch(l -> l.startsWith("flink-jobs") || l.startsWith("connect"));
    }

    @Test
    void theJobImageHasTheJarWhereTheFlinkDeploymentsAndTheSubmitterLookForIt() {
        String jar = DeploymentRules.JAR_URI.substring("local://".length());

        assertThat(flink)
                .containsPattern(
                        "COPY .*target/lakestream-flink-jobs-\\*-job\\.jar " + Pattern.quote(jar));
        assertThat(Repo.read(Repo.ROOT.resolve("deploy/compose/submit-job.sh"))).contains(jar);
    }

    @Test
    void theJobImageEnablesTheS3FileSystemAndThePrometheusReporter() {
        assertThat(flink)
                .contains("/opt/flink/plugins/s3-fs-presto/")
                .contains("flink-s3-fs-presto-${FLINK_VERSION}.jar")
                .contains("/opt/flink/plugins/metrics-prometheus/")
                .contains("ARG FLINK_VERSION=1.20.3");
    }

    @Test
    void theConnectImageCarriesTheSnowflakePluginOnThePluginPathOfTheComposeWorker()
            throws Exception {
        Properties worker = new Properties();
        worker.load(
                Files.newBufferedReader(
                        Repo.ROOT.resolve("connect/config/connect-distributed.properties")));
        Matcher copy =
                Pattern.compile("(?m)^COPY .*target/plugin-path/snowflake-kafka-connector/ (\\S+)$")
                        .matcher(connect);

        assertThat(copy.find()).isTrue();
        assertThat(Path.of(copy.group(1)).getParent())
                .isEqualTo(Path.of(worker.getProperty("plugin.path")));
        assertThat(connect)
                .contains("FROM apache/kafka:3.9.1")
                .contains("/etc/kafka-connect/connect-distributed.properties");
    }

    @Test
    void theWorkloadImageRunsTheWorkloadCliWithChecksummedDependencies() {
        Matcher adds =
                Pattern.compile(
                                "ADD --checksum=sha256:[0-9a-f]{64} \\\\\\s+https://repo1\\.maven\\.org/maven2/\\S+\\.jar")
                        .matcher(shop);
        long count = adds.results().count();

        assertThat(count).isEqualTo(3);
        assertThat(shop).contains("dev.lakestream.shop.cli.WorkloadCli");
        assertThat(Repo.ROOT.resolve("shop/src/main/java/dev/lakestream/shop/cli/WorkloadCli.java"))
                .exists();
    }

    @Test
    void composeBuildsEachImageFromItsDockerfileWithTheRepositoryAsContext() {
        Map<String, Map<String, Object>> services =
                ComposeRules.services(ComposeRules.parse(Repo.read(Repo.COMPOSE_FILE)));

        assertThat(ComposeRules.dockerfileOf(services.get("jobmanager"), Repo.ROOT))
                .isEqualTo("flink-jobs/Dockerfile");
        assertThat(ComposeRules.dockerfileOf(services.get("taskmanager"), Repo.ROOT))
                .isEqualTo("flink-jobs/Dockerfile");
        assertThat(ComposeRules.dockerfileOf(services.get("connect"), Repo.ROOT))
                .isEqualTo("connect/Dockerfile");
        assertThat(ComposeRules.dockerfileOf(services.get("workload-init"), Repo.ROOT))
                .isEqualTo("shop/Dockerfile");
        for (String name : List.of("jobmanager", "taskmanager", "connect", "workload-init")) {
            assertThat(services.get(name).get("build"))
                    .as(name)
                    .isEqualTo(
                            Map.of(
                                    "context",
                                    ".",
                                    "dockerfile",
                                    ComposeRules.dockerfileOf(services.get(name), Repo.ROOT)));
        }
        assertThat(ComposeRules.dockerfileOf(Map.<String, Object>of("build", "./shop"), Repo.ROOT))
                .isEqualTo("shop/Dockerfile");
        assertThat(ComposeRules.dockerfileOf(Map.<String, Object>of("image", "x:1.2.3"), Repo.ROOT))
                .isNull();
    }
}
