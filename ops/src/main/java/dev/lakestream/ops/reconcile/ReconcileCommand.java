package dev.lakestream.ops.reconcile;

import dev.lakestream.ops.OpsCommand;
import dev.lakestream.ops.OpsContext;
import java.util.List;

/**
 * {@code ./lakestream reconcile}: source vs silver and silver vs gold, once or every few minutes.
 */
public final class ReconcileCommand implements OpsCommand {

    @Override
    public String summary() {
        return "source vs silver and silver vs gold, once or every few minutes";
    }

    @Override
    public String usage() {
        return "usage: ./lakestream reconcile --config <transformation.properties>";
    }

    @Override
    public int run(OpsContext context, List<String> args) {
        context.out().println("lakestream reconcile: not built yet");
        return 2;
    }
}
