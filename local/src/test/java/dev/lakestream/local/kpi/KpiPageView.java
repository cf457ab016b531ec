package dev.lakestream.local.kpi;

import java.net.URI;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * The KPI page as a test reads it, by the ids and data attributes the page keeps stable: a row per
 * store ({@code tr[data-store]}), a cell per field ({@code td[data-field]}), the day shown ({@code
 * body[data-day]}).
 */
public final class KpiPageView {

    private final WebDriver driver;

    public KpiPageView(WebDriver driver, URI address) {
        this.driver = driver;
        driver.get(address.toString());
    }

    /** The stores the table lists, in its order. */
    public List<Long> stores() {
        // read in one script: the page replaces its rows on every update, so elements found in
        // one call and read in the next may be gone
        List<?> ids =
                (List<?>)
                        script(
                                "return [...document.querySelectorAll('#kpi-rows"
                                        + " tr[data-store]')].map(r => r.dataset.store);");
        return ids.stream().map(id -> Long.parseLong((String) id)).toList();
    }

    /** The text of a store's cell on the day shown, e.g. {@code "12"}; empty without the row. */
    public String cell(long store, String field) {
        return (String)
                script(
                        "const c = document.querySelector(\"#kpi-rows tr[data-store='\" +"
                                + " arguments[0] + \"'] td[data-field='\" + arguments[1] +"
                                + " \"']\"); return c ? c.innerText.trim() : '';",
                        Long.toString(store),
                        field);
    }

    private Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    /** The day the table shows. */
    public String day() {
        return driver.findElement(By.tagName("body")).getAttribute("data-day");
    }

    /** The days the day selector offers, newest first. */
    public List<String> days() {
        List<?> days =
                (List<?>)
                        script(
                                "return [...document.querySelectorAll('#day option')].map(o =>"
                                        + " o.value);");
        return days.stream().map(String.class::cast).toList();
    }

    /**
     * Picks a day with the selector, as a change event (the page may rebuild the options between
     * finding one and clicking it; {@code KpiPageITCase} picks one by keyboard).
     */
    public void selectDay(String day) {
        script(
                "const s = document.getElementById('day'); s.value = arguments[0];"
                        + " s.dispatchEvent(new Event('change'));",
                day);
    }

    public String freshness() {
        return driver.findElement(By.id("freshness")).getText();
    }

    public String caption() {
        return driver.findElement(By.id("kpi-caption")).getText();
    }

    /** The number of bars of the revenue chart. */
    public int chartBars() {
        return driver.findElements(By.cssSelector("#chart svg rect.bar")).size();
    }

    /** The id of the element that has the keyboard focus. */
    public String focused() {
        return driver.switchTo().activeElement().getAttribute("id");
    }
}
