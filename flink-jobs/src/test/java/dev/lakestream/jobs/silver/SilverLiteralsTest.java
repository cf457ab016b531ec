package dev.lakestream.jobs.silver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakestream.jobs.silver.SilverLiterals.LiteralException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Literals read as typed values and written back to the same canonical text. */
class SilverLiteralsTest {

    private static Type type(String name) {
        return switch (name) {
            case "long" -> Types.LongType.get();
            case "int" -> Types.IntegerType.get();
            case "string" -> Types.StringType.get();
            case "money" -> Types.DecimalType.of(12, 2);
            case "timestamptz" -> Types.TimestampType.withZone();
            case "date" -> Types.DateType.get();
            case "boolean" -> Types.BooleanType.get();
            default -> throw new IllegalArgumentException(name);
        };
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "long        | 9223372036854775807              | 9223372036854775807",
                "long        | -42                              | -42",
                "int         | 2147483647                       | 2147483647",
                "string      | \"a \\\"quoted\\\" \\\\ word\"   | \"a \\\"quoted\\\" \\\\ word\"",
                "string      | \"caf\\u00e9\"                   | \"café\"",
                "money       | 12.5                             | 12.50",
                "money       | 1E+1                             | 10.00",
                "money       | -0.10                            | -0.10",
                "money       | 0E+999999999                     | 0.00",
                "money       | 0E-999999999                     | 0.00",
                "money       | 1.0000E-2                        | 0.01",
                "timestamptz | \"2024-05-01T10:15:30.1Z\"       | \"2024-05-01T10:15:30.100Z\"",
                "timestamptz | \"2024-05-01T00:15:30-03:00\"    | \"2024-05-01T03:15:30Z\"",
                "date        | \"2024-02-29\"                   | \"2024-02-29\"",
                "boolean     | false                            | false",
                "string      | null                             | null"
            })
    void literalsRoundTripToCanonicalText(String type, String literal, String canonical)
            throws Exception {
        Object value = SilverLiterals.parse(literal, type(type));

        assertThat(SilverLiterals.write(value)).isEqualTo(canonical);
        assertThat(SilverLiterals.parse(canonical, type(type))).isEqualTo(value);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "long        | 9223372036854775808      | type",
                "long        | 1.0                      | type",
                "int         | 2147483648               | type",
                "string      | 42                       | type",
                "string      | \"unterminated           | type",
                "string      | \"a\" \"b\"              | type",
                "money       | 1.001                    | scale",
                "money       | 10000000000              | precision",
                "money       | 1e999999999              | precision",
                "money       | -1E+2147483647           | precision",
                "money       | 1e-999999999             | scale",
                "money       | 1.5e-2147483647          | type",
                "money       | \"1.00\"                 | type",
                "timestamptz | \"2024-05-01T10:15:30\"  | type",
                "timestamptz | \"2024-05-01T10:15:30.0000001Z\" | precision",
                "date        | \"2023-02-29\"           | type",
                "date        | 20240229                 | type",
                "boolean     | 1                        | type",
                "boolean     | \"true\"                 | type"
            })
    void badLiteralsNameTheRuleSuffix(String type, String literal, String suffix) {
        assertThatThrownBy(() -> SilverLiterals.parse(literal, type(type)))
                .isInstanceOfSatisfying(
                        LiteralException.class, e -> assertThat(e.suffix).isEqualTo(suffix));
    }

    @Test
    void aTwoThousandDigitNumberIsRefusedNotRounded() {
        String digits = "9".repeat(2000);
        assertThatThrownBy(() -> SilverLiterals.parse(digits, type("money")))
                .isInstanceOfSatisfying(
                        LiteralException.class, e -> assertThat(e.suffix).isEqualTo("precision"));
        assertThatThrownBy(() -> SilverLiterals.parse("0." + digits, type("money")))
                .isInstanceOfSatisfying(
                        LiteralException.class, e -> assertThat(e.suffix).isEqualTo("scale"));
    }

    @ParameterizedTest
    @CsvSource({"money", "timestamptz", "date"})
    void typedValuesAreTheDocumentedJavaTypes(String type) throws Exception {
        Object value =
                SilverLiterals.parse(
                        switch (type) {
                            case "money" -> "1";
                            case "timestamptz" -> "\"2024-05-01T10:15:30Z\"";
                            default -> "\"2024-05-01\"";
                        },
                        type(type));

        assertThat(value)
                .isInstanceOf(
                        switch (type) {
                            case "money" -> BigDecimal.class;
                            case "timestamptz" -> Instant.class;
                            default -> LocalDate.class;
                        });
    }
}
