package dev.lakestream.jobs.gold;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.types.RowKind;

/**
 * {@link SalesDailyMetrics} as a row of the Iceberg table {@code gold.sales_daily_metrics} (column
 * order of {@code GoldTables.SALES_DAILY_METRICS}): an upsert, or a delete by key for a group that
 * disappeared.
 */
public final class GoldRows {

    private GoldRows() {}

    public static RowData toRow(SalesDailyMetrics m) {
        GenericRowData row = new GenericRowData(18);
        row.setRowKind(m.deleted ? RowKind.DELETE : RowKind.UPDATE_AFTER);
        row.setField(0, (int) LocalDate.parse(m.saleDate).toEpochDay());
        row.setField(1, m.storeId);
        row.setField(2, m.currency == null ? null : StringData.fromString(m.currency));
        row.setField(3, m.orderCount);
        row.setField(4, m.cancelledOrderCount);
        row.setField(5, m.itemsSold);
        row.setField(6, money(m.deleted ? BigDecimal.ZERO : m.grossRevenue));
        row.setField(7, money(m.deleted ? BigDecimal.ZERO : m.discounts));
        row.setField(8, money(m.deleted ? BigDecimal.ZERO : m.netRevenue));
        row.setField(9, m.avgOrderValue == null ? null : money(m.avgOrderValue));
        row.setField(10, m.distinctCustomers);
        row.setField(11, m.version);
        row.setField(12, TimestampData.fromInstant(Instant.parse(m.updatedAt)));
        boolean live = !m.deleted;
        row.setField(
                13,
                live && m.reportingCurrency != null
                        ? StringData.fromString(m.reportingCurrency)
                        : null);
        row.setField(
                14,
                live && m.exchangeRate != null
                        ? DecimalData.fromBigDecimal(m.exchangeRate, 18, 8)
                        : null);
        row.setField(
                15, live && m.netRevenueReporting != null ? money(m.netRevenueReporting) : null);
        row.setField(16, live ? m.visitors : null);
        row.setField(
                17,
                live && m.conversionRate != null
                        ? DecimalData.fromBigDecimal(m.conversionRate, 9, 4)
                        : null);
        return row;
    }

    private static DecimalData money(BigDecimal amount) {
        return DecimalData.fromBigDecimal(amount.setScale(2), 18, 2);
    }
}
