package dev.lakestream.jobs.ingestion;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Starts the real services of {@link IngestionTestStack} once per test class. */
public abstract class IngestionStackTestBase {

    protected static IngestionTestStack stack;

    @BeforeAll
    public static void startServices() throws Exception {
        stack = IngestionTestStack.start();
    }

    @AfterAll
    public static void stopServices() throws Exception {
        if (stack != null) {
            stack.close();
            stack = null;
        }
    }
}
