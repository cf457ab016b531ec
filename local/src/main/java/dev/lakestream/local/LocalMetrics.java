package dev.lakestream.local;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Map;
import org.apache.flink.configuration.Configuration;

/**
 * The jobs' metrics where Prometheus scrapes them: Flink's Prometheus reporter on the MiniCluster,
 * one endpoint for the JobManager and TaskManager metrics of every job of the stack, with the names
 * a Flink cluster's reporter gives them ({@code flink_taskmanager_job_task_operator_...}).
 *
 * <p>Flink's reporter listens on every interface and takes a port, or a range of which it binds the
 * first free one without telling which; the stack picks the free port itself, so that it can print
 * it.
 */
final class LocalMetrics {

    static final int DEFAULT_PORT = 9249;

    /** Ports tried after the requested one when it is taken. */
    private static final int NEXT_PORTS = 20;

    private static final String FACTORY =
            "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";

    private LocalMetrics() {}

    /**
     * Adds the reporter to the MiniCluster's configuration.
     *
     * @param requested the port asked for ({@code --metrics-port}), 0 for any free one
     * @return the port the endpoint will listen on
     */
    static int configure(Configuration cluster, int requested) {
        int port = requested == 0 ? anyFreePort() : firstFreePort(requested);
        cluster.addAll(
                Configuration.fromMap(
                        Map.of(
                                "metrics.reporter.prom.factory.class",
                                FACTORY,
                                "metrics.reporter.prom.port",
                                Integer.toString(port))));
        return port;
    }

    /** The address to scrape (and to open in a browser). */
    static URI endpoint(int port) {
        return URI.create("http://127.0.0.1:" + port + "/metrics");
    }

    private static int firstFreePort(int from) {
        for (int port = from; port <= Math.min(65535, from + NEXT_PORTS); port++) {
            if (free(port)) {
                return port;
            }
        }
        throw new IllegalStateException(
                "--metrics-port: ports "
                        + from
                        + " to "
                        + (from + NEXT_PORTS)
                        + " are all taken; pass a free one, or 0 for any");
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    private static int anyFreePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port for the metrics endpoint", e);
        }
    }
}
