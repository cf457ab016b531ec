package dev.lakestream.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The metric names the shipped monitoring queries: the Grafana dashboards of {@code
 * deploy/grafana/dashboards/} and the alert rules of {@code k8s/monitoring/prometheus-rule.yaml}.
 */
final class MonitoringQueries {

    /** A metric name of Flink's Prometheus reporter, as it appears in PromQL. */
    static final Pattern FLINK_METRIC = Pattern.compile("\\bflink_[A-Za-z0-9_]+");

    private MonitoringQueries() {}

    static Path root() {
        Path here = Path.of("").toAbsolutePath();
        for (Path dir = here; dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("deploy/grafana/dashboards"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no deploy/grafana/dashboards above " + here);
    }

    /** Every file that queries metrics. */
    static Set<Path> files() {
        Path root = root();
        Set<Path> files = new TreeSet<>();
        try (Stream<Path> dashboards = Files.list(root.resolve("deploy/grafana/dashboards"))) {
            dashboards.filter(p -> p.toString().endsWith(".json")).forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        files.add(root.resolve("k8s/monitoring/prometheus-rule.yaml"));
        return files;
    }

    /** The metric names {@code file} queries. */
    static Set<String> metricNames(Path file) {
        try {
            return metricNamesIn(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Set<String> metricNamesIn(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = FLINK_METRIC.matcher(text);
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }

    /** The sum of the samples of {@code metric} in a Prometheus text exposition. */
    static double sum(String scrape, String metric) {
        double sum = 0;
        for (String line : scrape.split("\n")) {
            if (line.startsWith(metric + "{") || line.startsWith(metric + " ")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /** The metric names of a Prometheus text exposition (comments left out). */
    static Set<String> exposed(String scrape) {
        Set<String> names = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int end = 0;
            while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                end++;
            }
            names.add(line.substring(0, end));
        }
        return names;
    }
}
