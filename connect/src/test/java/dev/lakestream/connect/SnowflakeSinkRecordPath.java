package dev.lakestream.connect;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The path a Kafka record takes inside a Connect worker running the Snowflake sink (Snowpipe
 * Streaming, schematization off), up to the text the ingest SDK sends to Snowflake, run with the
 * real classes and the worker's own class loading:
 *
 * <pre>
 *  record value bytes
 *    --value.converter (configured per connector, as the worker does)--> SchemaAndValue
 *    --channel: new SnowflakeRecordContent(schema, value, true), value schema SnowflakeJsonSchema
 *    --RecordService.getProcessedRecordForStreamingIngest--> {RECORD_CONTENT: "...json..."}
 *    --ingest SDK DataValidationUtil.validateAndParseVariantNew (its default JSON parsing)--> VARIANT text
 * </pre>
 *
 * <p>Class loading is the worker's: a loader over the worker's classpath (Kafka 3.9.1 from {@code
 * embedded/connect-runtime}, the broker's version) and, over the connector's plugin folder, Kafka's
 * own {@code PluginClassLoader}, which loads a plugin's classes in isolation and takes the Connect
 * API, the clients and the JSON converter from the worker. The connector jar is only read from
 * {@code target/plugin-path}; nothing of it is on the test classpath. Everything crosses the
 * loaders by reflection.
 *
 * <p>The channel's step from a converted record to a {@code SnowflakeRecordContent} is private in
 * the connector ({@code DirectTopicPartitionChannel.handleNativeRecord}, the same in {@code
 * BufferedTopicPartitionChannel}); it is repeated here with the same public constructors and
 * arguments (checked against the 2.5.0 bytecode).
 */
final class SnowflakeSinkRecordPath implements AutoCloseable {

    static final String TOPIC = "lakestream.gold.sales_daily_metrics";

    private final URLClassLoader worker;
    private final URLClassLoader plugin;

    private SnowflakeSinkRecordPath(URLClassLoader worker, URLClassLoader plugin) {
        this.worker = worker;
        this.plugin = plugin;
    }

    static SnowflakeSinkRecordPath load() throws Exception {
        List<URL> workerJars = new ArrayList<>();
        for (String jar : workerClasspath().split(java.io.File.pathSeparator)) {
            workerJars.add(Path.of(jar).toUri().toURL());
        }
        URLClassLoader worker =
                new URLClassLoader(
                        "connect-worker",
                        workerJars.toArray(URL[]::new),
                        ClassLoader.getPlatformClassLoader());
        Path pluginDir =
                Path.of(System.getProperty("lakestream.connect.plugin-path"))
                        .resolve("snowflake-kafka-connector");
        List<URL> pluginJars = new ArrayList<>();
        try (Stream<Path> files = Files.list(pluginDir)) {
            for (Path jar :
                    (Iterable<Path>) files.filter(f -> f.toString().endsWith(".jar"))::iterator) {
                pluginJars.add(jar.toUri().toURL());
            }
        }
        if (pluginJars.isEmpty()) {
            throw new IllegalStateException(
                    "No connector jar in " + pluginDir + ": build the connect module first");
        }
        Constructor<?> pluginLoader =
                worker.loadClass("org.apache.kafka.connect.runtime.isolation.PluginClassLoader")
                        .getConstructor(URL.class, URL[].class, ClassLoader.class);
        URLClassLoader plugin =
                (URLClassLoader)
                        pluginLoader.newInstance(
                                pluginDir.toUri().toURL(), pluginJars.toArray(URL[]::new), worker);
        return new SnowflakeSinkRecordPath(worker, plugin);
    }

    private static String workerClasspath() throws IOException {
        String resource = "/lakestream/embedded/connect.classpath";
        try (InputStream in = SnowflakeSinkRecordPath.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(
                        "Missing " + resource + ": build embedded/connect-runtime first");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
    }

    /** Which loader a class of the path comes from, e.g. to show the converter is the worker's. */
    ClassLoader loaderOf(String className) throws ClassNotFoundException {
        return plugin.loadClass(className).getClassLoader();
    }

    ClassLoader workerLoader() {
        return worker;
    }

    ClassLoader pluginLoader() {
        return plugin;
    }

    /**
     * The row the sink hands to the ingest SDK for one record: {@code RECORD_CONTENT} and {@code
     * RECORD_METADATA} as JSON text.
     *
     * @param converterConfig the connector's {@code value.converter.*} and {@code key.converter.*}
     *     settings with those prefixes removed (the worker passes them so)
     */
    Map<String, Object> row(
            String converterClass,
            Map<String, String> converterConfig,
            byte[] key,
            byte[] value,
            long offset)
            throws Exception {
        Object keyConverter = converter(converterClass, converterConfig, true);
        Object valueConverter = converter(converterClass, converterConfig, false);
        Object keyData = invoke(keyConverter, "toConnectData", TOPIC, key);
        Object valueData = invoke(valueConverter, "toConnectData", TOPIC, value);

        Class<?> schemaType = worker.loadClass("org.apache.kafka.connect.data.Schema");
        Constructor<?> content =
                plugin.loadClass("com.snowflake.kafka.connector.records.SnowflakeRecordContent")
                        .getConstructor(schemaType, Object.class, boolean.class);
        Constructor<?> jsonSchema =
                plugin.loadClass("com.snowflake.kafka.connector.records.SnowflakeJsonSchema")
                        .getConstructor();
        Object keyContent =
                content.newInstance(invoke(keyData, "schema"), invoke(keyData, "value"), true);
        Object valueContent =
                content.newInstance(invoke(valueData, "schema"), invoke(valueData, "value"), true);

        Object sinkRecord =
                worker.loadClass("org.apache.kafka.connect.sink.SinkRecord")
                        .getConstructor(
                                String.class,
                                int.class,
                                schemaType,
                                Object.class,
                                schemaType,
                                Object.class,
                                long.class)
                        .newInstance(
                                TOPIC,
                                0,
                                jsonSchema.newInstance(),
                                keyContent,
                                jsonSchema.newInstance(),
                                valueContent,
                                offset);

        Object recordService =
                plugin.loadClass("com.snowflake.kafka.connector.records.RecordServiceFactory")
                        .getMethod("createRecordService", boolean.class, boolean.class)
                        .invoke(null, false, false); // not Iceberg, schematization off
        @SuppressWarnings("unchecked")
        Map<String, Object> row =
                (Map<String, Object>)
                        recordService
                                .getClass()
                                .getMethod(
                                        "getProcessedRecordForStreamingIngest",
                                        sinkRecord.getClass())
                                .invoke(recordService, sinkRecord);
        return row;
    }

    /**
     * What the ingest SDK makes of a VARIANT column's value before sending it: its default parser
     * ({@code ENABLE_NEW_JSON_PARSING_LOGIC} is true by default and the connector does not set it).
     */
    String variant(String column, Object value) throws Exception {
        Class<?> validation =
                plugin.loadClass("net.snowflake.ingest.streaming.internal.DataValidationUtil");
        Method parse =
                validation.getDeclaredMethod(
                        "validateAndParseVariantNew", String.class, Object.class, long.class);
        parse.setAccessible(true);
        return (String) parse.invoke(null, column, value, 0L);
    }

    private Object converter(String className, Map<String, String> config, boolean isKey)
            throws Exception {
        Object converter = plugin.loadClass(className).getConstructor().newInstance();
        converter
                .getClass()
                .getMethod("configure", Map.class, boolean.class)
                .invoke(converter, config, isKey);
        return converter;
    }

    private static Object invoke(Object target, String method, Object... args) throws Exception {
        for (Method m : target.getClass().getMethods()) {
            if (m.getName().equals(method) && m.getParameterCount() == args.length) {
                return m.invoke(target, args);
            }
        }
        throw new NoSuchMethodException(target.getClass().getName() + "." + method);
    }

    @Override
    public void close() throws IOException {
        plugin.close();
        worker.close();
    }
}
