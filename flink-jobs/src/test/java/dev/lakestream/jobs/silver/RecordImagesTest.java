package dev.lakestream.jobs.silver;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

/** Text values of REST and file records coerced to the column's type before the rules run. */
class RecordImagesTest {

    private static final Types.DecimalType RATE = Types.DecimalType.of(18, 8);

    @Test
    void decimalTextBecomesAPlainNumber() {
        assertThat(RecordImages.coerce("\"12.5\"", RATE)).isEqualTo("12.5");
        assertThat(RecordImages.coerce("\" 1E+2 \"", RATE)).isEqualTo("100");
    }

    @Test
    void aHugeExponentIsLeftAsItCameForTheDecimalRuleToRefuse() {
        // written out in full this would be a billion digits
        assertThat(RecordImages.coerce("\"1e999999999\"", RATE)).isEqualTo("\"1e999999999\"");
        assertThat(RecordImages.coerce("\"1e-999999999\"", RATE)).isEqualTo("\"1e-999999999\"");
        assertThat(RecordImages.coerce("1e999999999", RATE)).isEqualTo("1e999999999");
    }
}
