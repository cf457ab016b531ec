package dev.lakestream.ops.quarantine;

import dev.lakestream.ops.OpsCommand;
import dev.lakestream.ops.OpsContext;
import java.util.List;

/** {@code ./lakestream quarantine}: list, fix and re-inject quarantined changes. */
public final class QuarantineCommand implements OpsCommand {

    @Override
    public String summary() {
        return "list, fix and re-inject quarantined changes";
    }

    @Override
    public String usage() {
        return "usage: ./lakestream quarantine --config <transformation.properties>";
    }

    @Override
    public int run(OpsContext context, List<String> args) {
        context.out().println("lakestream quarantine: not built yet");
        return 2;
    }
}
