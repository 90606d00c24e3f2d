package io.kvasir.kernel.felix;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the package versions out of an OSGi {@code Export-Package} header. Quoted values may
 * hold commas and semicolons ({@code uses:="a,b"}), so the header is split by hand, not by regex.
 */
final class ExportPackageHeader {

    private ExportPackageHeader() {
    }

    /**
     * @return package name to its declared version (null when the clause has none), first
     * clause winning: slf4j-api exports {@code org.slf4j} twice, as 2.0.x and as 1.7.36.
     */
    static Map<String, String> versions(String header) {
        Map<String, String> versions = new LinkedHashMap<>();
        if (header == null) {
            return versions;
        }
        for (String clause : split(header, ',')) {
            List<String> packages = new ArrayList<>();
            String version = null;
            for (String part : split(clause, ';')) {
                String p = part.strip();
                int eq = p.indexOf('=');
                if (eq < 0) {
                    packages.add(p);
                } else if (p.substring(0, eq).strip().equals("version")) {
                    version = unquote(p.substring(eq + 1).strip());
                }
            }
            for (String pkg : packages) {
                versions.putIfAbsent(pkg, version);
            }
        }
        return versions;
    }

    private static List<String> split(String text, char separator) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (char c : text.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == separator && !quoted) {
                parts.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        if (!current.toString().isBlank()) {
            parts.add(current.toString());
        }
        return parts;
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1) : value;
    }
}
