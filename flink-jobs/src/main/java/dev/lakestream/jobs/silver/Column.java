package dev.lakestream.jobs.silver;

import dev.lakestream.jobs.changelog.JsonImages;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/** One column of one entity: type and nullability from the silver schema, checks from here. */
final class Column {

    enum Case {
        AS_IS,
        LOWER,
        UPPER
    }

    /** A check of one non-null, normalised value; {@code expectation} completes the reason. */
    record Check(String suffix, Predicate<Object> accepts, String expectation) {}

    final String entity;
    final String name;
    final Type type;
    final boolean required;
    final boolean key;
    Case textCase = Case.AS_IS;
    final List<Check> checks = new ArrayList<>();

    Column(String entity, Types.NestedField field, boolean key) {
        this.entity = entity;
        this.name = field.name();
        this.type = field.type();
        this.required = field.isRequired();
        this.key = key;
    }

    String rule(String suffix) {
        return entity + "." + name + "." + suffix;
    }

    /** Trim text; blank text is no value; codes get their canonical case. */
    Object normalise(Object value) {
        if (!(value instanceof String s)) {
            return value;
        }
        String stripped = strip(s);
        if (stripped.isEmpty()) {
            return null;
        }
        return switch (textCase) {
            case AS_IS -> stripped;
            case LOWER -> stripped.toLowerCase(Locale.ROOT);
            case UPPER -> stripped.toUpperCase(Locale.ROOT);
        };
    }

    /**
     * Removes leading and trailing white space of any kind: {@link String#trim()} only knows ASCII
     * control characters and {@link String#strip()} misses the no-break space, which copy-paste
     * from web forms brings in all the time.
     */
    static String strip(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isSpace(s.charAt(start))) {
            start++;
        }
        while (end > start && isSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean isSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\uFEFF';
    }

    Rejection check(Object value, Map<String, Object> image) {
        return check(value, image, java.util.Set.of());
    }

    /**
     * The first rule the value breaks, or null; skips the checks whose rule is in {@code skipped}
     * (a correction's overrides). Nullability is never skipped: silver's column is required.
     */
    Rejection check(Object value, Map<String, Object> image, java.util.Set<String> skipped) {
        if (value == null) {
            if (!required) {
                return null;
            }
            String what =
                    !image.containsKey(name)
                            ? "is missing"
                            : image.get(name) == null
                                    ? "is null"
                                    : JsonImages.show(image, name) + " is blank";
            return new Rejection(rule("required"), name + " " + what + " but is required");
        }
        for (Check check : checks) {
            if (skipped.contains(rule(check.suffix))) {
                continue;
            }
            if (!check.accepts.test(value)) {
                return new Rejection(
                        rule(check.suffix),
                        name + " " + JsonImages.show(image, name) + " " + check.expectation);
            }
        }
        return null;
    }

    /** The rules of this column's checks: those a correction may override. */
    List<String> checkRuleNames() {
        List<String> names = new ArrayList<>();
        for (Check check : checks) {
            names.add(rule(check.suffix));
        }
        return names;
    }

    /** The rule names this column can produce, in the order they are checked. */
    List<String> ruleNames() {
        List<String> names = new ArrayList<>();
        names.add(rule("type"));
        if (type instanceof Types.DecimalType) {
            names.add(rule("scale"));
            names.add(rule("precision"));
        }
        if (type instanceof Types.TimestampType) {
            names.add(rule("precision"));
        }
        if (required && !key) {
            // a key column always has a value: it comes from the change's key
            names.add(rule("required"));
        }
        for (Check check : checks) {
            names.add(rule(check.suffix));
        }
        return names;
    }
}
