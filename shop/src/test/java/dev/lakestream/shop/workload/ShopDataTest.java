package dev.lakestream.shop.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

class ShopDataTest {

    @Test
    void defaultStoresSpanTheWorldsTimeZonesAndCurrencies() {
        List<ShopData.StoreTemplate> first8 = ShopData.STORES.subList(0, 8);
        Set<String> zones = new HashSet<>();
        Set<String> currencies = new HashSet<>();
        Set<Integer> offsets = new HashSet<>();
        Instant january = Instant.parse("2025-01-15T12:00:00Z");
        for (ShopData.StoreTemplate t : first8) {
            zones.add(t.timeZone());
            currencies.add(t.currency());
            offsets.add(
                    ZoneId.of(t.timeZone()).getRules().getOffset(january).getTotalSeconds() / 3600);
        }
        assertThat(zones).hasSize(8);
        assertThat(currencies).contains("USD", "EUR", "GBP", "JPY", "AUD");
        assertThat(offsets).contains(-8, 11); // Sydney is UTC+11 in (southern) summer
        assertThat(offsets).contains(0, 1, 9);
    }

    @Test
    void localPricesRespectTheCurrencysMinorUnit() {
        assertThat(ShopData.localPrice(new BigDecimal("10.00"), "JPY"))
                .isEqualByComparingTo("1495");
        assertThat(ShopData.localPrice(new BigDecimal("10.00"), "JPY").scale()).isEqualTo(2);
        assertThat(ShopData.localPrice(new BigDecimal("10.01"), "EUR")).isEqualTo("9.21");
        assertThat(ShopData.localPrice(new BigDecimal("3.50"), "USD")).isEqualTo("3.50");
    }

    @Test
    void emailPartsAreAscii() {
        assertThat(ShopData.emailPart("O'Brien")).isEqualTo("obrien");
        assertThat(ShopData.emailPart("Łukasz")).isEqualTo("lukasz");
        assertThat(ShopData.emailPart("Søren")).isEqualTo("soren");
        assertThat(ShopData.emailPart("Van der Berg")).isEqualTo("vanderberg");
        for (String name : ShopData.FIRST_NAMES) {
            assertThat(ShopData.emailPart(name)).matches("[a-z]+");
        }
    }

    @Test
    void longDescriptionsStayLargeAfterCompression() {
        String text = ShopData.longDescription(new SplittableRandom(1), "Nordic Lamp", 5000);
        assertThat(text.length()).isGreaterThanOrEqualTo(5000);
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        deflater.setInput(bytes);
        deflater.finish();
        byte[] out = new byte[bytes.length * 2];
        int compressed = deflater.deflate(out);
        deflater.end();
        // deflate beats PostgreSQL's pglz; if even deflate leaves more than the 2 kB TOAST
        // target, PostgreSQL has to move the value out of line
        assertThat(compressed).isGreaterThan(2500);
    }

    @Test
    void skusAreUniquePerProduct() {
        assertThat(ShopData.sku(42, "electronics")).isEqualTo("ELE-000042");
    }
}
