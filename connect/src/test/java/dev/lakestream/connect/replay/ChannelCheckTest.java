package dev.lakestream.connect.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakestream.snowflake.channel.ChannelOffsetTokens.Channel;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Which channels a replay resets, and when it refuses, decided from what SHOW CHANNELS lists. */
class ChannelCheckTest {

    static final String CONNECTOR = "lakestream-snowflake-sink";
    static final String TOPIC = "lakestream.gold.sales_daily_metrics";
    static final String TABLE = "SALES_DAILY_METRICS_LANDING";

    static ReplayPlan.ChannelReset reset(int partition, long token, long earliest) {
        return new ReplayPlan.ChannelReset(TABLE, TOPIC, partition, token, earliest);
    }

    static Map<String, List<Channel>> table(Channel... channels) {
        return Map.of(TABLE, Arrays.asList(channels));
    }

    static ChannelCheck.Outcome check(
            ReplayPlan.ChannelReset reset, Map<String, List<Channel>> listed, boolean force) {
        return ChannelCheck.check(CONNECTOR, List.of(reset), listed, force);
    }

    @Test
    void theChannelOfThePartitionIsFoundWhateverItsCaseAndItsTokenRead() {
        ChannelCheck.Outcome outcome =
                check(
                        reset(0, 16, 0),
                        table(
                                new Channel("LAKESTREAM.GOLD.SALES_DAILY_METRICS_1", "80"),
                                new Channel("LAKESTREAM.GOLD.SALES_DAILY_METRICS_0", "29")),
                        false);

        assertThat(outcome.refused()).isFalse();
        assertThat(outcome.forced()).isEmpty();
        assertThat(outcome.targets())
                .singleElement()
                .satisfies(
                        t -> {
                            assertThat(t.channels())
                                    .containsExactly("LAKESTREAM.GOLD.SALES_DAILY_METRICS_0");
                            assertThat(t.currentToken()).isEqualTo(OptionalLong.of(29));
                            assertThat(t.describe())
                                    .isEqualTo(
                                            TOPIC
                                                    + "-0: channel LAKESTREAM.GOLD.SALES_DAILY_METRICS_0"
                                                    + " of "
                                                    + TABLE
                                                    + " at token 29 -> 16");
                        });
    }

    @Test
    void aChannelOfTheOlderNameFormatIsResetTooAndTheHighestTokenCounts() {
        ChannelCheck.Outcome outcome =
                check(
                        reset(0, 16, 0),
                        table(
                                new Channel("LAKESTREAM.GOLD.SALES_DAILY_METRICS_0", "20"),
                                new Channel(
                                        "LAKESTREAM-SNOWFLAKE-SINK_LAKESTREAM.GOLD.SALES_DAILY_METRICS_0",
                                        "31")),
                        false);

        assertThat(outcome.refused()).isFalse();
        assertThat(outcome.targets().get(0).channels()).hasSize(2);
        assertThat(outcome.targets().get(0).currentToken()).isEqualTo(OptionalLong.of(31));
    }

    @Test
    void aPartitionWithoutAChannelIsRefusedNamingWhatWasLookedForAndWhatToCheck() {
        ChannelCheck.Outcome outcome =
                check(
                        reset(0, 16, 0),
                        table(
                                new Channel("LAKESTREAM.GOLD.SALES_DAILY_METRICS_1", "80"),
                                new Channel(
                                        "OTHER-SINK_LAKESTREAM.GOLD.SALES_DAILY_METRICS_0", "9")),
                        true);

        // --force does not make a reset that sets nothing pass
        assertThat(outcome.refused()).isTrue();
        assertThat(outcome.targets()).isEmpty();
        assertThat(outcome.refusals())
                .containsExactly(
                        TOPIC
                                + "-0: no channel of "
                                + TABLE
                                + " carries it (looked for "
                                + TOPIC
                                + "_0 or "
                                + CONNECTOR
                                + "_"
                                + TOPIC
                                + "_0, any case; the table has channels"
                                + " [LAKESTREAM.GOLD.SALES_DAILY_METRICS_1,"
                                + " OTHER-SINK_LAKESTREAM.GOLD.SALES_DAILY_METRICS_0]). Check"
                                + " snowflake.topic2table.map, that SNOWFLAKE_DATABASE and"
                                + " SNOWFLAKE_SCHEMA are the connector's, and the connector name;"
                                + " if this partition never reached Snowflake, leave it out with"
                                + " --to-offsets.");
    }

    @Test
    void aTableWithoutChannelsOrNotListedIsRefused() {
        assertThat(check(reset(0, 16, 0), table(), false).refusals())
                .singleElement()
                .asString()
                .contains("the table has no channels");
        assertThat(check(reset(0, 16, 0), Map.of(), false).refusals())
                .singleElement()
                .asString()
                .contains("the table has no channels");
    }

    @Test
    void aTargetBeyondTheTokenIsRefusedWithBothTokensUnlessForced() {
        Map<String, List<Channel>> listed =
                table(new Channel("LAKESTREAM.GOLD.SALES_DAILY_METRICS_0", "29"));

        ChannelCheck.Outcome refused = check(reset(0, 41, 0), listed, false);
        ChannelCheck.Outcome forced = check(reset(0, 41, 0), listed, true);

        String why =
                TOPIC
                        + "-0: the target token 41 (replay from offset 42) is beyond the current"
                        + " token 29 of channel LAKESTREAM.GOLD.SALES_DAILY_METRICS_0 of "
                        + TABLE
                        + ": offsets 30..41 never reached Snowflake and would be skipped";
        assertThat(refused.refusals())
                .containsExactly(
                        why + ". Pick an earlier target, or give --force to go ahead anyway.");
        assertThat(forced.refused()).isFalse();
        assertThat(forced.forced()).containsExactly(why + " (--force: going ahead)");
        assertThat(forced.targets()).hasSize(1);
    }

    @Test
    void theCurrentTokenItselfIsNotBeyondTheNextOneIs() {
        Map<String, List<Channel>> listed =
                table(new Channel("LAKESTREAM.GOLD.SALES_DAILY_METRICS_0", "29"));

        assertThat(check(reset(0, 29, 0), listed, false).refused()).isFalse();
        assertThat(check(reset(0, 30, 0), listed, false).refusals())
                .singleElement()
                .asString()
                .contains("offsets 30..30 never reached Snowflake");
    }

    @Test
    void aChannelWithoutTokenHasLoadedNothingSoOnlyTheStartIsNotBeyond() {
        Map<String, List<Channel>> listed =
                table(new Channel("LAKESTREAM.GOLD.SALES_DAILY_METRICS_0", null));

        assertThat(check(reset(0, -1, 0), listed, false).refused()).isFalse();
        assertThat(check(reset(0, -1, 0), listed, false).targets().get(0).currentToken()).isEmpty();
        assertThat(check(reset(0, 4, 0), listed, false).refusals())
                .singleElement()
                .asString()
                .contains("beyond the current token (none: nothing loaded yet)")
                .contains("offsets 0..4 never reached Snowflake");
    }

    @Test
    void recordsBelowTheLogStartAreGoneAndCannotBeSkipped() {
        Map<String, List<Channel>> listed =
                table(new Channel("LAKESTREAM.GOLD.SALES_DAILY_METRICS_0", "10"));

        // --to-earliest with retention past the token: nothing that still exists is skipped
        assertThat(check(reset(0, 49, 50), listed, false).refused()).isFalse();
        assertThat(check(reset(0, 50, 50), listed, false).refusals())
                .singleElement()
                .asString()
                .contains("offsets 50..50 never reached Snowflake");
    }

    @Test
    void aTokenThatIsNotAnOffsetCannotBeComparedAndNeedsForce() {
        Map<String, List<Channel>> listed =
                table(new Channel("LAKESTREAM.GOLD.SALES_DAILY_METRICS_0", "lsn/0/16B3748"));

        assertThat(check(reset(0, 3, 0), listed, false).refusals())
                .singleElement()
                .asString()
                .contains("has offset token 'lsn/0/16B3748', which is not a Kafka offset")
                .endsWith("give --force to go ahead anyway.");
        assertThat(check(reset(0, 3, 0), listed, true).refused()).isFalse();
    }

    @Test
    void everyPartitionIsCheckedAndEachRefusalNamesItsOwn() {
        ChannelCheck.Outcome outcome =
                ChannelCheck.check(
                        CONNECTOR,
                        List.of(reset(0, 5, 0), reset(1, 5, 0), reset(2, 5, 0)),
                        table(
                                new Channel("LAKESTREAM.GOLD.SALES_DAILY_METRICS_0", "9"),
                                new Channel("LAKESTREAM.GOLD.SALES_DAILY_METRICS_1", "2")),
                        false);

        assertThat(outcome.targets()).hasSize(2);
        assertThat(outcome.refusals()).hasSize(2);
        assertThat(outcome.refusals().get(0)).startsWith(TOPIC + "-1: the target token 5");
        assertThat(outcome.refusals().get(1)).startsWith(TOPIC + "-2: no channel of");
    }
}
