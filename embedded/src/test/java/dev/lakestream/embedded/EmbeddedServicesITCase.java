package dev.lakestream.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded services as the tests and the local stack rely on them: PostgreSQL ready for logical
 * replication, keeping its data in a kept folder, and recovering a folder whose previous owner was
 * killed hard; S3Proxy serving buckets from a folder with a stable secret, and likewise recovering
 * from a predecessor that was never stopped.
 */
class EmbeddedServicesITCase {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir Path dir;

    // --- PostgreSQL -------------------------------------------------------------------------

    private static long queryLong(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).as(sql).isTrue();
            return rs.getLong(1);
        }
    }

    private static String queryString(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).as(sql).isTrue();
            return rs.getString(1);
        }
    }

    private static long postmasterPid(Path dataDirectory) throws IOException {
        return Long.parseLong(
                Files.readAllLines(dataDirectory.resolve("postmaster.pid")).get(0).trim());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void temporaryServerIsReadyForLogicalReplication() throws SQLException {
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.startTemporary();
                Connection c = pg.connect("postgres")) {
            assertThat(pg.jdbcUrl("shop"))
                    .isEqualTo("jdbc:postgresql://127.0.0.1:" + pg.port() + "/shop");
            assertThat(queryString(c, "SHOW wal_level")).isEqualTo("logical");
            assertThat(queryString(c, "SHOW timezone")).isIn("UTC", "Etc/UTC");
            assertThat(queryLong(c, "SHOW max_replication_slots")).isGreaterThanOrEqualTo(20);
            // what Flink CDC does first: a pgoutput slot
            assertThat(
                            queryString(
                                    c,
                                    "SELECT slot_name FROM"
                                            + " pg_create_logical_replication_slot('probe',"
                                            + " 'pgoutput')"))
                    .isEqualTo("probe");
            queryString(c, "SELECT pg_drop_replication_slot('probe')::text");

            pg.createDatabase("shop");
            pg.createDatabase("shop"); // a second time is harmless
            try (Connection shop = pg.connect("shop")) {
                assertThat(queryString(shop, "SELECT current_database()")).isEqualTo("shop");
            }
        }
    }

    @Test
    void keptDataDirectorySurvivesStopAndStart() throws Exception {
        Path data = dir.resolve("pg-kept");
        try (EmbeddedPostgresServer first = EmbeddedPostgresServer.start(data, 0)) {
            first.createDatabase("kept");
            try (Connection c = first.connect("kept");
                    Statement s = c.createStatement()) {
                s.execute("CREATE TABLE notes (id int PRIMARY KEY, body text)");
                s.execute("INSERT INTO notes VALUES (1, 'survives a restart')");
            }
        }
        assertThat(data.resolve("PG_VERSION")).exists();
        assertThat(data.resolve("postmaster.pid")).doesNotExist();

        try (EmbeddedPostgresServer second = EmbeddedPostgresServer.start(data, 0);
                Connection c = second.connect("kept")) {
            assertThat(queryString(c, "SELECT body FROM notes WHERE id = 1"))
                    .isEqualTo("survives a restart");
            assertThat(queryString(c, "SHOW wal_level")).isEqualTo("logical");
            // durable, unlike the temporary servers
            assertThat(queryString(c, "SHOW fsync")).isEqualTo("on");
        }
    }

    /**
     * A JVM killed with {@code kill -9} leaves its postmaster running, owning the folder. Inside
     * one JVM that cannot be reproduced with two EmbeddedPostgresServers on one folder: zonky holds
     * a {@code FileChannel} lock on {@code epg-lock} in it, which the same JVM cannot take twice
     * ({@code OverlappingFileLockException}). So the orphan here is a postmaster started directly
     * from the same binaries, belonging to no EmbeddedPostgresServer.
     */
    @Test
    void orphanedPostmasterOwningTheFolderIsStoppedOnStart() throws Exception {
        Path data = dir.resolve("pg-orphaned");
        Path postgresBinary;
        try (EmbeddedPostgresServer first = EmbeddedPostgresServer.start(data, 0)) {
            postgresBinary =
                    Path.of(
                            ProcessHandle.of(postmasterPid(data))
                                    .orElseThrow()
                                    .info()
                                    .command()
                                    .orElseThrow());
            first.createDatabase("kept");
            try (Connection c = first.connect("kept");
                    Statement s = c.createStatement()) {
                s.execute("CREATE TABLE notes (id int PRIMARY KEY, body text)");
                s.execute("INSERT INTO notes VALUES (1, 'before the crash')");
            }
        }

        int orphanPort = freePort();
        List<String> command = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            // PostgreSQL refuses to run as root; zonky runs it in a user namespace, and so do we
            command.add("unshare");
            command.add("-U");
        }
        command.add(postgresBinary.toString());
        command.add("-D");
        command.add(data.toString());
        command.add("-p");
        command.add(Integer.toString(orphanPort));
        command.add("-c");
        command.add("wal_level=logical");
        Process orphan =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("orphan.log").toFile())
                        .start();
        try {
            String url = "jdbc:postgresql://127.0.0.1:" + orphanPort + "/kept";
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100))
                    .ignoreExceptions()
                    .until(
                            () -> {
                                try (Connection c =
                                        DriverManager.getConnection(url, "postgres", "")) {
                                    return c.isValid(1);
                                }
                            });
            try (Connection c = DriverManager.getConnection(url, "postgres", "");
                    Statement s = c.createStatement()) {
                s.execute("INSERT INTO notes VALUES (2, 'written by the orphan')");
            }
            assertThat(postmasterPid(data)).isEqualTo(orphan.pid());

            try (EmbeddedPostgresServer restarted = EmbeddedPostgresServer.start(data, 0);
                    Connection c = restarted.connect("kept")) {
                assertThat(orphan.isAlive()).as("orphaned postmaster").isFalse();
                assertThat(postmasterPid(data)).isNotEqualTo(orphan.pid());
                assertThat(restarted.port()).isNotEqualTo(orphanPort);
                assertThat(queryLong(c, "SELECT count(*) FROM notes")).isEqualTo(2);
                assertThat(queryString(c, "SELECT body FROM notes WHERE id = 2"))
                        .isEqualTo("written by the orphan");
            }
        } finally {
            if (orphan.isAlive()) {
                orphan.destroyForcibly();
            }
        }
    }

    // --- S3Proxy ----------------------------------------------------------------------------

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** An S3 request signed with AWS signature V2, which S3Proxy accepts besides V4. */
    private static HttpResponse<String> signed(
            S3ProxyServer s3, String secret, String method, String path, String body)
            throws Exception {
        String date =
                DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC));
        String contentType = body == null ? "" : "text/plain";
        String toSign = method + "\n\n" + contentType + "\n" + date + "\n" + path;
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        String signature =
                Base64.getEncoder()
                        .encodeToString(mac.doFinal(toSign.getBytes(StandardCharsets.UTF_8)));
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(s3.endpoint() + path))
                        .header("Date", date)
                        .header("Authorization", "AWS " + s3.accessKey() + ":" + signature);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", contentType)
                    .method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Listing the buckets without credentials: an S3 error document, not a refused connection. */
    private static void assertAnonymousRefused(S3ProxyServer s3) throws Exception {
        HttpResponse<String> anonymous = get(s3.endpoint() + "/");
        assertThat(anonymous.statusCode()).isEqualTo(403);
        assertThat(anonymous.body()).contains("<Error>").contains("<Code>AccessDenied</Code>");
    }

    private static long pidIn(Path stateDirectory) throws IOException {
        return Long.parseLong(Files.readString(stateDirectory.resolve("s3proxy.pid")).trim());
    }

    @Test
    void s3ProxyServesBucketsAndKeepsItsSecretAndDataAcrossRestarts() throws Exception {
        Path state = dir.resolve("s3-kept");
        String secret;
        try (S3ProxyServer s3 = S3ProxyServer.start(state, 0, "warehouse", "scratch")) {
            assertThat(s3.baseDirectory().resolve("warehouse")).isDirectory();
            assertThat(s3.baseDirectory().resolve("scratch")).isDirectory();
            assertThat(s3.accessKey()).isEqualTo(S3ProxyServer.ACCESS_KEY);
            secret = s3.secretKey();
            assertThat(secret).isNotBlank();

            // listening and speaking S3: anonymous requests are refused the S3 way
            assertAnonymousRefused(s3);
            HttpResponse<String> anonymousPut =
                    HTTP.send(
                            HttpRequest.newBuilder(URI.create(s3.endpoint() + "/warehouse/x"))
                                    .PUT(HttpRequest.BodyPublishers.ofString("x"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(anonymousPut.statusCode()).isEqualTo(403);
            assertThat(anonymousPut.body()).contains("<Code>AccessDenied</Code>");
            assertThat(get(s3.endpoint() + "/no-such-bucket").body())
                    .contains("<Code>NoSuchBucket</Code>");

            HttpResponse<String> forged = signed(s3, "not-the-secret", "GET", "/warehouse", null);
            assertThat(forged.statusCode()).isEqualTo(403);
            assertThat(forged.body()).contains("SignatureDoesNotMatch");

            HttpResponse<String> put =
                    signed(s3, secret, "PUT", "/warehouse/notes/hello.txt", "hello, lake");
            assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        }
        assertThat(state.resolve("s3proxy.pid")).doesNotExist();
        assertThat(Files.readString(state.resolve("s3proxy.secret")).trim()).isEqualTo(secret);
        assertThat(Files.readString(state.resolve("s3proxy.properties"))).contains(secret);

        try (S3ProxyServer again = S3ProxyServer.start(state, 0, "warehouse")) {
            assertThat(again.secretKey()).isEqualTo(secret);
            HttpResponse<String> read =
                    signed(again, secret, "GET", "/warehouse/notes/hello.txt", null);
            assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
            assertThat(read.body()).isEqualTo("hello, lake");
        }
        assertThat(Files.readAllLines(state.resolve("s3proxy.log")))
                .as("S3Proxy logs warnings, not a DEBUG line per request")
                .noneMatch(line -> line.contains(" DEBUG ") || line.contains(" INFO "));

        // another folder is another store, with a secret of its own
        try (S3ProxyServer other = S3ProxyServer.start(dir.resolve("s3-other"), 0)) {
            assertThat(other.secretKey()).isNotEqualTo(secret);
        }
    }

    @Test
    void s3ProxyLeftRunningByAnEarlierRunIsStoppedOnStart() throws Exception {
        Path state = dir.resolve("s3-stale");
        S3ProxyServer stale = S3ProxyServer.start(state, 0, "warehouse");
        try {
            long stalePid = pidIn(state);
            ProcessHandle staleProcess = ProcessHandle.of(stalePid).orElseThrow();
            assertThat(staleProcess.isAlive()).isTrue();

            // not closed, as when the JVM that started it was killed
            try (S3ProxyServer fresh = S3ProxyServer.start(state, 0, "warehouse")) {
                await().atMost(Duration.ofSeconds(15)).until(() -> !staleProcess.isAlive());
                assertThat(pidIn(state)).isNotEqualTo(stalePid);
                assertThat(fresh.port()).isNotEqualTo(stale.port());
                assertThat(fresh.secretKey()).isEqualTo(stale.secretKey());
                assertAnonymousRefused(fresh);
                await().atMost(Duration.ofSeconds(10))
                        .ignoreExceptionsMatching(e -> !(e instanceof ConnectException))
                        .until(() -> refusesConnections(stale.endpoint()));
            }
        } finally {
            stale.close();
        }
    }

    private static boolean refusesConnections(String endpoint) throws Exception {
        try {
            get(endpoint + "/");
            return false;
        } catch (ConnectException refused) {
            return true;
        }
    }

    @Test
    void pidFileNamingAnUnrelatedProcessStopsNothing() throws Exception {
        Path state = Files.createDirectories(dir.resolve("s3-reused-pid"));
        // a pid recycled by the system for something else
        Process unrelated = new ProcessBuilder("sleep", "60").start();
        try {
            Files.writeString(state.resolve("s3proxy.pid"), Long.toString(unrelated.pid()));

            try (S3ProxyServer s3 = S3ProxyServer.start(state, 0, "warehouse")) {
                assertThat(unrelated.isAlive()).isTrue();
                assertThat(pidIn(state)).isNotEqualTo(unrelated.pid());
                assertAnonymousRefused(s3);
            }
        } finally {
            unrelated.destroyForcibly();
        }
    }
}
