package dev.lakestream.jobs.silver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakestream.jobs.changelog.JsonImages;
import dev.lakestream.jobs.silver.SilverValues.ValueException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Values as bronze's JSON gives them, typed as their silver columns and written back to the same
 * canonical text.
 */
class SilverValuesTest {

    /** A literal as {@link JsonImages} reads it from bronze, typed as its column. */
    private static Object parse(String literal, Type type) throws ValueException {
        return SilverValues.typed(
                JsonImages.parse("{\"v\":" + literal + "}", "test", "test").get("v"), type);
    }

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
        Object value = parse(literal, type(type));

        assertThat(JsonImages.write(value)).isEqualTo(canonical);
        assertThat(parse(canonical, type(type))).isEqualTo(value);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "long        | 9223372036854775808      | type",
                "long        | 1.0                      | type",
                "int         | 2147483648               | type",
                "string      | 42                       | type",
                "money       | 1.001                    | scale",
                "money       | 10000000000              | precision",
                "money       | 1e999999999              | precision",
                "money       | -1E+2147483647           | precision",
                "money       | 1e-999999999             | scale",
                "money       | \"1.00\"                 | type",
                "timestamptz | \"2024-05-01T10:15:30\"  | type",
                "timestamptz | \"2024-05-01T10:15:30.0000001Z\" | precision",
                "date        | \"2023-02-29\"           | type",
                "date        | 20240229                 | type",
                "boolean     | 1                        | type",
                "boolean     | \"true\"                 | type"
            })
    void badLiteralsNameTheRuleSuffix(String type, String literal, String suffix) {
        assertThatThrownBy(() -> parse(literal, type(type)))
                .isInstanceOfSatisfying(
                        ValueException.class, e -> assertThat(e.suffix).isEqualTo(suffix));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {"\"unterminated", "\"a\" \"b\"", "1.5e-2147483647"})
    void jsonThatIsNoValueIsAMalformedImageBeforeAnyType(String literal) {
        assertThatThrownBy(() -> parse(literal, type("string")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("malformed image");
    }

    @Test
    void aTwoThousandDigitNumberIsRefusedNotRounded() {
        String digits = "9".repeat(2000);
        assertThatThrownBy(() -> SilverValues.typed(new BigDecimal(digits), type("money")))
                .isInstanceOfSatisfying(
                        ValueException.class, e -> assertThat(e.suffix).isEqualTo("precision"));
        assertThatThrownBy(() -> SilverValues.typed(new BigDecimal("0." + digits), type("money")))
                .isInstanceOfSatisfying(
                        ValueException.class, e -> assertThat(e.suffix).isEqualTo("scale"));
    }

    @ParameterizedTest
    @CsvSource({"money", "timestamptz", "date"})
    void typedValuesAreTheDocumentedJavaTypes(String type) throws Exception {
        Object value =
                parse(
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
