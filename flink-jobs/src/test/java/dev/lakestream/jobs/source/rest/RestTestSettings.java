package dev.lakestream.jobs.source.rest;

import dev.lakestream.jobs.config.JobSettings;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** Settings for tests against a {@link RatesServer}: fast retries, no rate cap to speak of. */
final class RestTestSettings {

    private RestTestSettings() {}

    static RestSourceSettings of(URI url, String... keyValues) {
        Map<String, String> map = new HashMap<>();
        map.put("source.rest.enabled", "true");
        map.put("source.rest.url", url.toString());
        map.put("source.rest.pagination.page-size", "10");
        map.put("source.rest.max-requests-per-second", "1000");
        map.put("source.rest.retry.initial-backoff", "10ms");
        map.put("source.rest.retry.max-backoff", "40ms");
        map.put("source.rest.read-timeout", "2s");
        map.put("source.rest.poll-interval", "300ms");
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(keyValues[i], keyValues[i + 1]);
        }
        return RestSourceSettings.fromIfEnabled(
                        JobSettings.fromMap(map, RestSourceOptions.keys(), Set.of()))
                .orElseThrow();
    }
}
