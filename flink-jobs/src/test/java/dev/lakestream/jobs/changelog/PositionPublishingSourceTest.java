package dev.lakestream.jobs.changelog;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.List;
import org.apache.iceberg.flink.source.enumerator.IcebergEnumeratorState;
import org.junit.jupiter.api.Test;

/**
 * The enumerator position is read by reflection (Iceberg keeps its accessors package-private): this
 * fails when an Iceberg upgrade renames them, before a job publishes nothing.
 */
class PositionPublishingSourceTest {

    @Test
    void readsTheEnumeratorPosition() throws Exception {
        Class<?> positionClass =
                Class.forName(
                        "org.apache.iceberg.flink.source.enumerator.IcebergEnumeratorPosition");
        Method of = positionClass.getDeclaredMethod("of", long.class, Long.class);
        of.setAccessible(true);
        Object position = of.invoke(null, 42L, 1_700_000_000_000L);
        var constructor =
                IcebergEnumeratorState.class.getConstructor(
                        positionClass, java.util.Collection.class);
        IcebergEnumeratorState state =
                (IcebergEnumeratorState) constructor.newInstance(position, List.of());

        assertThat(PositionPublishingSource.Position.of(state))
                .isEqualTo(new PositionPublishingSource.Position(42L, 1_700_000_000_000L));
        assertThat(PositionPublishingSource.Position.of(new IcebergEnumeratorState(List.of())))
                .as("nothing enumerated yet")
                .isNull();
    }
}
