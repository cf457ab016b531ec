package dev.lakestream.deployment;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What makes an image reference fit to deploy: the compose file's {@code image:} and every
 * Dockerfile {@code FROM} follow the same rules.
 *
 * <ul>
 *   <li>A concrete tag (or a digest): not {@code latest} or another moving name ({@code stable},
 *       {@code master}, ...), not a variable, and not a floating version such as {@code :3} or
 *       {@code :3.9-eclipse-temurin-17}, which moves with every patch release. A version tag has
 *       three numeric parts ({@code 3.9.11}), or two for repositories whose releases are numbered
 *       that way ({@link #TWO_PART_VERSIONS}).
 *   <li>Not from a repository that is no longer published ({@link #DISCONTINUED}): a fresh {@code
 *       docker compose up} would fail, or run an image nobody patches.
 * </ul>
 */
final class ImageReferences {

    /**
     * Repositories (or repository prefixes, ending in {@code /}) that are no longer published, with
     * the reason.
     */
    static final Map<String, String> DISCONTINUED =
            Map.of(
                    "minio/",
                    "MinIO's community edition is source-only since October 2025 and the Docker Hub"
                            + " repositories minio/minio and minio/mc were removed",
                    "quay.io/minio/",
                    "MinIO publishes no community images since October 2025; quay.io keeps"
                            + " unpatched archives only",
                    "bitnami/",
                    "Bitnami withdrew its free versioned images from docker.io/bitnami on 28 August"
                            + " 2025",
                    "bitnamilegacy/",
                    "Bitnami's legacy repository gets no updates and is meant for migration only");

    /**
     * Repositories whose releases have two numeric parts, so that {@code 16.6} is a patch release
     * (PostgreSQL since version 10).
     */
    static final List<String> TWO_PART_VERSIONS = List.of("postgres");

    private static final Pattern MOVING =
            Pattern.compile(
                    "(?i)latest|stable|edge|lts|nightly|master|main|develop|current|rolling|mainline");
    private static final Pattern VERSION = Pattern.compile("^v?(\\d+(?:\\.\\d+)*)");
    private static final Pattern DATE_RELEASE =
            Pattern.compile("^RELEASE\\.\\d{4}-\\d{2}-\\d{2}.*");
    private static final Pattern COMMIT = Pattern.compile("^sha-[0-9a-f]{7,40}$");

    private ImageReferences() {}

    /**
     * The repository of a reference, without registry docker.io, {@code library/}, tag or digest.
     */
    static String repository(String ref) {
        String name = ref.contains("@") ? ref.substring(0, ref.indexOf('@')) : ref;
        int slash = name.lastIndexOf('/');
        int colon = name.lastIndexOf(':');
        if (colon > slash) {
            name = name.substring(0, colon);
        }
        for (String prefix : List.of("docker.io/", "index.docker.io/", "library/")) {
            if (name.startsWith(prefix)) {
                name = name.substring(prefix.length());
            }
        }
        return name;
    }

    /** The tag of a reference, or "" when it has none. */
    static String tag(String ref) {
        String name = ref.contains("@") ? ref.substring(0, ref.indexOf('@')) : ref;
        int slash = name.lastIndexOf('/');
        int colon = name.lastIndexOf(':');
        return colon > slash ? name.substring(colon + 1) : "";
    }

    /** Why {@code ref} is not fit to deploy, or empty when it is. */
    static Optional<String> problem(String ref) {
        String repository = repository(ref);
        for (Map.Entry<String, String> gone : DISCONTINUED.entrySet()) {
            if (repository.startsWith(gone.getKey())) {
                return Optional.of(
                        ref + " comes from a discontinued repository: " + gone.getValue());
            }
        }
        if (ref.contains("$")) {
            return Optional.of(ref + " is not pinned to a fixed tag (it names a variable)");
        }
        if (ref.contains("@sha256:")) {
            return Optional.empty();
        }
        String tag = tag(ref);
        if (tag.isEmpty() || MOVING.matcher(tag).matches()) {
            return Optional.of(ref + " is not pinned to a fixed tag");
        }
        if (DATE_RELEASE.matcher(tag).matches() || COMMIT.matcher(tag).matches()) {
            return Optional.empty();
        }
        var version = VERSION.matcher(tag);
        if (!version.find()) {
            return Optional.of(ref + " is not pinned to a version (" + tag + " names none)");
        }
        int parts = version.group(1).split("\\.").length;
        int needed = TWO_PART_VERSIONS.contains(repository) ? 2 : 3;
        if (parts < needed) {
            return Optional.of(
                    ref
                            + " is not pinned to a fixed tag: "
                            + version.group(1)
                            + " floats over every release it prefixes");
        }
        return Optional.empty();
    }
}
