package dev.lakestream.local.kpi;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium, headless, driven through Debian's chromedriver: a real browser for the KPI
 * page's tests. Both executables are given explicitly, so Selenium Manager never runs (it would try
 * to download a driver; these machines have no internet). {@code .ci/run} installs the packages
 * when they are missing; elsewhere a test without them is skipped, but never in CI ({@code
 * CI=true}), where a browser test that silently skips would be a test that cannot fail.
 */
public final class HeadlessChromium implements AutoCloseable {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private final ChromeDriver driver;
    private final Path profile;

    private HeadlessChromium(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** Why there is no browser to test with, or {@code null} when there is. */
    public static String missing() {
        if (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)) {
            return null;
        }
        return CHROMIUM
                + " or "
                + CHROMEDRIVER
                + " is missing: apt-get install chromium chromium-driver (.ci/run does so in CI)";
    }

    /** Skips the calling test when there is no browser, except in CI, where it fails. */
    public static void assumeInstalled() {
        if (!installedOrFailInCi()) {
            Assumptions.abort("no browser for the KPI page test: " + missing());
        }
    }

    /** Whether there is a browser; without one, fails in CI ({@code CI=true}). */
    public static boolean installedOrFailInCi() {
        String missing = missing();
        if (missing != null && "true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("CI=true and no browser for the KPI page test: " + missing);
        }
        return missing == null;
    }

    /** A fresh headless browser (own profile folder) with a laptop-sized window. */
    public static HeadlessChromium start(int width, int height) {
        try {
            Path profile = Files.createTempDirectory("lakestream-chromium");
            System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
            ChromeDriverService service =
                    new ChromeDriverService.Builder()
                            .usingDriverExecutable(CHROMEDRIVER.toFile())
                            .usingAnyFreePort()
                            .build();
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            options.addArguments(
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-dev-shm-usage",
                    "--window-size=" + width + "," + height,
                    "--user-data-dir=" + profile);
            return new HeadlessChromium(new ChromeDriver(service, options), profile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** Saves what the window shows as a PNG. */
    public Path screenshot(Path file) {
        return save(file, driver.getScreenshotAs(OutputType.BYTES));
    }

    /**
     * Saves the whole page as a PNG, beyond the window's height (Chromium's DevTools protocol:
     * Selenium's own full-page screenshot is Firefox's only).
     */
    public Path fullPageScreenshot(Path file) {
        Map<String, Object> metrics = driver.executeCdpCommand("Page.getLayoutMetrics", Map.of());
        Map<?, ?> size = (Map<?, ?>) metrics.get("cssContentSize");
        Map<String, Object> shot =
                driver.executeCdpCommand(
                        "Page.captureScreenshot",
                        Map.of(
                                "format",
                                "png",
                                "captureBeyondViewport",
                                true,
                                "clip",
                                Map.of(
                                        "x",
                                        0,
                                        "y",
                                        0,
                                        "width",
                                        size.get("width"),
                                        "height",
                                        size.get("height"),
                                        "scale",
                                        1)));
        return save(file, Base64.getDecoder().decode((String) shot.get("data")));
    }

    private static Path save(Path file, byte[] png) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return Files.write(file, png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException ignored) {
                // a temporary folder left behind
            }
        }
    }
}
