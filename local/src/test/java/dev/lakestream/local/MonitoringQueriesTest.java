package dev.lakestream.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MonitoringQueriesTest {

    @Test
    void readsTheMetricNamesOfPromQlAndOfAnExposition() {
        assertThat(
                        MonitoringQueries.metricNamesIn(
                                "max by (table) (flink_taskmanager_job_task_operator_bronze_table_changes)"
                                        + " > 2 * rate(flink_jobmanager_job_numRestarts[5m])"))
                .containsExactly(
                        "flink_jobmanager_job_numRestarts",
                        "flink_taskmanager_job_task_operator_bronze_table_changes");
        assertThat(
                        MonitoringQueries.exposed(
                                "# HELP x y\n# TYPE x gauge\nflink_a{table=\"t\",} 1.0\nflink_b 2.0\n"))
                .containsExactly("flink_a", "flink_b");
        assertThat(
                        MonitoringQueries.sum(
                                "flink_a_count{x=\"1\",} 2.0\nflink_a_count{x=\"2\",} 3.0\nflink_a 9.0\n",
                                "flink_a_count"))
                .isEqualTo(5.0);
    }

    @Test
    void everyShippedDashboardAndRuleFileQueriesMetrics() {
        assertThat(MonitoringQueries.files()).hasSizeGreaterThanOrEqualTo(2);
        MonitoringQueries.files()
                .forEach(
                        f ->
                                assertThat(MonitoringQueries.metricNames(f))
                                        .as(f.toString())
                                        .isNotEmpty());
    }
}
