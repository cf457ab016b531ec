package dev.lakestream.jobs.changelog;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

/** Text values of REST and file records coerced to the column's type before the rules run. */
class RecordImagesTest {

    private static final Types.DecimalType RATE = Types.DecimalType.of(18, 8);

    @Test
    void decimalTextBecomesAPlainNumber() {
        assertThat(RecordImages.coerce("12.5", RATE)).isEqualTo(new BigDecimal("12.5"));
        assertThat(RecordImages.coerce(" 1E+2 ", RATE)).isEqualTo(new BigDecimal("1E+2"));
    }

    @Test
    void aHugeExponentStaysADecimalForTheRuleToRefuseAndIsNeverWrittenOutInFull() {
        Object huge = RecordImages.coerce("1e999999999", RATE);
        assertThat(huge).isEqualTo(new BigDecimal("1e999999999"));
        // written out in full this would be a billion digits
        assertThat(JsonImages.write(huge)).isEqualTo("1E+999999999");
        assertThat(RecordImages.coerce(new BigDecimal("1e-999999999"), RATE))
                .isEqualTo(new BigDecimal("1e-999999999"));
    }

    @Test
    void textThatIsNoValueOfItsTypeStaysAsItCame() {
        assertThat(RecordImages.coerce("many", Types.IntegerType.get())).isEqualTo("many");
        assertThat(RecordImages.coerce(" 42 ", Types.IntegerType.get())).isEqualTo(42L);
        assertThat(RecordImages.coerce("  ", Types.StringType.get())).isNull();
        assertThat(RecordImages.coerce("2024-05-01T02:00:00+02:00", Types.TimestampType.withZone()))
                .isEqualTo(java.time.Instant.parse("2024-05-01T00:00:00Z"));
    }
}
