package dev.lakestream.ops;

import java.util.List;

/**
 * One subcommand of {@code ./lakestream}: {@code lineage}, {@code reconcile}, {@code quarantine}.
 */
public interface OpsCommand {

    /** One line for the usage text. */
    String summary();

    /** The command's own usage text (its options). */
    String usage();

    /**
     * Runs with the arguments after the command name and the common options.
     *
     * @return the process exit code: 0 done, 1 the command found a problem (drift, a failed check),
     *     2 wrong usage
     */
    int run(OpsContext context, List<String> args) throws Exception;
}
