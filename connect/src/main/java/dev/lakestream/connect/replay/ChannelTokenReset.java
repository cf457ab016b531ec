package dev.lakestream.connect.replay;

/**
 * Sets the offset token of the Snowflake channel(s) that carry one topic partition. Called only
 * while the connector is stopped: an open channel would write its own token back.
 */
@FunctionalInterface
public interface ChannelTokenReset {

    /**
     * @return how many channels were updated
     */
    int reset(ReplayPlan.ChannelReset reset);
}
