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
 * The Dockerfiles put the jars where the manifests and the compose file look for them. (They are
 * not built here: there is no Docker engine on the build machine.)
 */
class DockerfilesTest {

    private static final Pattern FROM = Pattern.compile("(?m)^FROM\\s+(\\S+)");

    private final String flink = Repo.read(Repo.ROOT.resolve("flink-jobs/Dockerfile"));
    private final String connect = Repo.read(Repo.ROOT.resolve("connect/Dockerfile"));
    private final String shop = Repo.read(Repo.ROOT.resolve("shop/Dockerfile"));

    @Test
    void everyBaseImageIsPinned() {
        for (String dockerfile : List.of(flink, connect, shop)) {
            Matcher from = FROM.matcher(dockerfile);
            assertThat(from.find()).isTrue();
            assertThat(from.group(1))
                    .matches("[a-z0-9./_-]+:[A-Za-z0-9._-]+")
                    .doesNotEndWith(":latest");
        }
        assertThat(flink).contains("FROM flink:1.20.3-scala_2.12-java17");
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
    void composeBuildsEachImageFromItsDockerfile() {
        Map<String, Map<String, Object>> services =
                ComposeRules.services(ComposeRules.parse(Repo.read(Repo.COMPOSE_FILE)));

        assertThat(services.get("jobmanager")).containsEntry("build", "./flink-jobs");
        assertThat(services.get("connect")).containsEntry("build", "./connect");
        assertThat(services.get("workload-init")).containsEntry("build", "./shop");
    }
}
