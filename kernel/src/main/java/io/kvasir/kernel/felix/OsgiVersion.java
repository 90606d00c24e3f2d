package io.kvasir.kernel.felix;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the free-form versions found on jars ("33.6.0-android", "1.0-SNAPSHOT", "2.0.20")
 * into OSGi versions (major.minor.micro[.qualifier]), which Felix insists on in
 * {@code system.packages.extra}.
 */
final class OsgiVersion {
    private static final Pattern LEADING = Pattern.compile("(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?(?:[.\\-_+]?(.*))?");

    private OsgiVersion() {
    }

    /** The OSGi form of {@code raw}; "0.0.0" when it does not start with a number. */
    static String normalise(String raw) {
        if (raw == null) {
            return "0.0.0";
        }
        Matcher m = LEADING.matcher(raw.strip());
        if (!m.matches()) {
            return "0.0.0";
        }
        String version = number(m.group(1)) + "." + number(m.group(2)) + "." + number(m.group(3));
        String qualifier = m.group(4) == null ? "" : m.group(4).replaceAll("[^A-Za-z0-9_-]", "_");
        return qualifier.isEmpty() ? version : version + "." + qualifier;
    }

    private static long number(String digits) {
        if (digits == null) {
            return 0;
        }
        // Strip leading zeros without overflowing on absurd inputs.
        String trimmed = digits.replaceFirst("^0+(?=\\d)", "");
        return trimmed.length() > 9 ? Integer.MAX_VALUE : Long.parseLong(trimmed);
    }
}
