package dev.lakestream.deployment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Paths of the deployment files, from the repository root. */
final class Repo {

    static final Path ROOT =
            Path.of(System.getProperty("lakestream.root", "..")).toAbsolutePath().normalize();
    static final Path K8S = ROOT.resolve("k8s");
    static final Path BASE = K8S.resolve("base");
    static final Path OVERLAYS = K8S.resolve("overlays");
    static final Path SECRET_TEMPLATES = K8S.resolve("secrets");
    static final Path MONITORING = K8S.resolve("monitoring");
    static final Path COMPOSE_FILE = ROOT.resolve("docker-compose.yml");
    static final Path ENV_EXAMPLE = ROOT.resolve(".env.example");
    static final Path README = ROOT.resolve("README.md");

    private Repo() {}

    private static Stream<Path> walk(Path dir) {
        try {
            return Files.walk(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Every Kubernetes object file under k8s/: the YAML files of base/, monitoring/ and secrets/
     * except kustomize's own configuration (kustomization.yaml, kustomizeconfig/) and the JSON 6902
     * patches of base/patches/ (lists of operations, no objects; what they do is checked on the
     * rendered objects).
     */
    static List<Path> manifestFiles() {
        try (Stream<Path> files =
                Stream.of(BASE, MONITORING, SECRET_TEMPLATES).flatMap(Repo::walk)) {
            return files.filter(p -> p.toString().endsWith(".yaml"))
                    .filter(p -> !p.getFileName().toString().equals("kustomization.yaml"))
                    .filter(p -> !p.toString().contains("/kustomizeconfig/"))
                    .filter(p -> !p.startsWith(BASE.resolve("patches")))
                    .sorted()
                    .toList();
        }
    }

    static List<String> overlays() {
        try (Stream<Path> dirs = Files.list(OVERLAYS)) {
            return dirs.filter(d -> Files.exists(d.resolve("kustomization.yaml")))
                    .map(d -> d.getFileName().toString())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
