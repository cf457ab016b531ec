package dev.lakestream.jobs.silver;

import static dev.lakestream.jobs.silver.SilverFixtures.ORDER_LINES;
import static dev.lakestream.jobs.silver.SilverFixtures.STORES;
import static dev.lakestream.jobs.silver.SilverFixtures.insert;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lakestream.jobs.changelog.RowChange;
import org.junit.jupiter.api.Test;

/**
 * A correction's rule overrides ({@link RowChange#overrides}): exactly the overridden business
 * checks are skipped for that change, every other rule still applies, and rules silver could not
 * hold a row without (types, nullability) or gold computes with are not overridable.
 */
class EntityRulesOverrideTest {

    private final EntityRules rules = new EntityRules();

    @Test
    void anOverriddenRuleIsSkippedForThatChangeOnly() {
        RowChange tooMuchDiscount = insert(ORDER_LINES, "discount", "999.00");
        assertThat(rejection(rules.apply(tooMuchDiscount)).rule())
                .isEqualTo("order_lines.discount.max");

        RowChange overridden =
                insert(ORDER_LINES, "discount", "999.00")
                        .withOverrides(("order_lines.discount.max"));
        CleansingResult result = rules.apply(overridden);
        assertThat(result).isInstanceOf(CleansingResult.Accepted.class);
        assertThat(((CleansingResult.Accepted) result).change().overrides)
                .isEqualTo("order_lines.discount.max");
    }

    @Test
    void otherRulesStillApplyToAnOverriddenChange() {
        RowChange twoProblems =
                insert(ORDER_LINES, "discount", "999.00", "quantity", "0")
                        .withOverrides(("order_lines.discount.max"));
        assertThat(rejection(rules.apply(twoProblems)).rule())
                .isEqualTo("order_lines.quantity.positive");
    }

    @Test
    void typesNullabilityAndWhatGoldComputesWithCannotBeOverridden() {
        assertThat(EntityRules.overridableRuleNames(ORDER_LINES))
                .contains("order_lines.discount.max", "order_lines.quantity.positive")
                .doesNotContain("order_lines.discount.type", "order_lines.discount.scale");
        assertThat(EntityRules.overridableRuleNames(STORES))
                .doesNotContain("stores.time_zone.iana", "stores.name.required");

        RowChange badType =
                insert(ORDER_LINES, "discount", "\"lots\"")
                        .withOverrides(("order_lines.discount.type"));
        assertThat(rejection(rules.apply(badType)).rule()).isEqualTo("order_lines.discount.type");
        RowChange badZone =
                insert(STORES, "time_zone", "\"Mars/Olympus\"")
                        .withOverrides(("stores.time_zone.iana"));
        assertThat(rejection(rules.apply(badZone)).rule()).isEqualTo("stores.time_zone.iana");
    }

    private static Rejection rejection(CleansingResult result) {
        assertThat(result).isInstanceOf(CleansingResult.Rejected.class);
        return ((CleansingResult.Rejected) result).rejection();
    }
}
