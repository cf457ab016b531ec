package dev.lakestream.deployment;

import dev.lakestream.deployment.Manifests.Parsed;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** Renders a kustomization with {@code kubectl kustomize}, as {@code kubectl apply -k} would. */
final class Kustomize {

    private Kustomize() {}

    /** kubectl's output per directory: rendering is slow, binding afresh is cheap. */
    private static final Map<Path, String> OUTPUT = new ConcurrentHashMap<>();

    /**
     * The rendered objects of {@code dir}, each bound strictly to its model; a fresh copy on every
     * call, so a test may change them.
     */
    static Rendered render(Path dir) {
        String yaml =
                OUTPUT.computeIfAbsent(
                        dir, d -> run(List.of(kubectl(), "kustomize", d.toString())));
        return new Rendered(dir.toString(), Manifests.parseAll(dir.toString(), yaml));
    }

    static String kubectl() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String entry : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(entry, "kubectl");
            if (candidate.toFile().canExecute()) {
                return candidate.toString();
            }
        }
        throw new AssertionError(
                "kubectl is not on the PATH: the overlays cannot be rendered. Install kubectl"
                        + " (1.27 or newer, it embeds kustomize) and run the build again.");
    }

    private static String run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).start();
            CompletableFuture<String> err =
                    CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
            String out = readAll(process.getInputStream());
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in 60 s");
            }
            if (process.exitValue() != 0) {
                throw new AssertionError(
                        String.join(" ", command)
                                + " failed with exit code "
                                + process.exitValue()
                                + ": "
                                + err.join());
            }
            return out;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The objects of one rendered kustomization. */
    record Rendered(String source, List<Parsed> objects) {

        <T> List<T> all(Class<T> model) {
            return objects.stream()
                    .filter(p -> model.isInstance(p.model()))
                    .map(p -> model.cast(p.model()))
                    .toList();
        }

        <T> Optional<T> find(Class<T> model, String name) {
            return objects.stream()
                    .filter(p -> model.isInstance(p.model()) && p.name().equals(name))
                    .map(p -> model.cast(p.model()))
                    .findFirst();
        }

        <T> T get(Class<T> model, String name) {
            return find(model, name)
                    .orElseThrow(
                            () ->
                                    new AssertionError(
                                            source
                                                    + " renders no "
                                                    + model.getSimpleName()
                                                    + " named "
                                                    + name));
        }
    }
}
