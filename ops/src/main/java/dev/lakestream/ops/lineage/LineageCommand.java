package dev.lakestream.ops.lineage;

import dev.lakestream.ops.OpsCommand;
import dev.lakestream.ops.OpsContext;
import java.util.List;

/**
 * {@code ./lakestream lineage}: the source changes, snapshots and Kafka offsets behind a gold row.
 */
public final class LineageCommand implements OpsCommand {

    @Override
    public String summary() {
        return "the source changes, snapshots and Kafka offsets behind a gold row";
    }

    @Override
    public String usage() {
        return "usage: ./lakestream lineage --config <transformation.properties>";
    }

    @Override
    public int run(OpsContext context, List<String> args) {
        context.out().println("lakestream lineage: not built yet");
        return 2;
    }
}
