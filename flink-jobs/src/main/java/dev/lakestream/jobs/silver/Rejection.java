package dev.lakestream.jobs.silver;

import java.io.Serializable;

/**
 * Why {@link EntityRules} refused a change.
 *
 * @param rule stable rule name, {@code <entity>.<column>.<check>} or {@code <entity>.<check>}, e.g.
 *     {@code customers.email.format}; dashboards and alerts key on it, so it never changes once
 *     released
 * @param reason for people: the column, the offending value as it arrived and what was expected,
 *     e.g. {@code email "bob@" is not a valid e-mail address}
 */
public record Rejection(String rule, String reason, boolean schemaChange) implements Serializable {

    public Rejection(String rule, String reason) {
        this(rule, reason, false);
    }
}
