package dev.lakestream.jobs.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakestream.verification.runtime.EmbeddedFlinkCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.apache.flink.api.common.JobID;

/** A job's metrics as an operator reads them: from the cluster's REST API, summed over subtasks. */
public final class FlinkRestMetrics {

    private static final ObjectMapper JSON = new ObjectMapper();

    private FlinkRestMetrics() {}

    /**
     * The sum over the subtasks of every vertex whose name contains {@code vertexName} of the
     * metric named {@code metric} (a counter or a numeric gauge); 0 before any reports it.
     */
    public static long sum(EmbeddedFlinkCluster flink, JobID job, String vertexName, String metric)
            throws Exception {
        URI base = flink.restAddress();
        JsonNode vertices = JSON.readTree(get(base, "/jobs/" + job)).path("vertices");
        long sum = 0;
        for (JsonNode vertex : vertices) {
            if (!vertex.path("name").asText().contains(vertexName)) {
                continue;
            }
            String path = "/jobs/" + job + "/vertices/" + vertex.path("id").asText() + "/metrics";
            for (JsonNode m : JSON.readTree(get(base, path))) {
                String id = m.path("id").asText();
                if (id.endsWith("." + metric)) {
                    for (JsonNode value : JSON.readTree(get(base, path + "?get=" + id))) {
                        sum += value.path("value").asLong();
                    }
                }
            }
        }
        return sum;
    }

    private static String get(URI base, String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(base.resolve(path)).build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }
}
