package io.kvasir.kernel.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Finds keys of a node's config file that no reference.conf defines: almost always a typo
 * ({@code server.adr}) that would otherwise be silently ignored.
 */
final class UnknownKeys {

    /** A key of the node file no reference.conf knows, with the line it was set on (-1 if unknown). */
    record UnknownKey(String path, int line) {
    }

    private UnknownKeys() {
    }

    /**
     * @param nodeFile   the node's own file, unmerged
     * @param references every reference.conf merged (kernel and bundles)
     */
    static List<UnknownKey> find(Config nodeFile, Config references) {
        List<UnknownKey> unknown = new ArrayList<>();
        for (Map.Entry<String, ConfigValue> e : nodeFile.entrySet()) {
            if (!isKnown(e.getKey(), references)) {
                unknown.add(new UnknownKey(e.getKey(), e.getValue().origin().lineNumber()));
            }
        }
        unknown.sort(Comparator.comparingInt(UnknownKey::line).thenComparing(UnknownKey::path));
        return unknown;
    }

    // A key is known if a reference defines it, or if a reference declares an enclosing object
    // empty: that is how a module says "free-form map here" (labels, per-CF options).
    private static boolean isKnown(String path, Config references) {
        if (references.hasPathOrNull(path)) {
            return true;
        }
        List<String> parts = ConfigUtil.splitPath(path);
        for (int n = parts.size() - 1; n >= 1; n--) {
            String prefix = ConfigUtil.joinPath(parts.subList(0, n));
            if (references.hasPathOrNull(prefix)) {
                ConfigValue value = references.getValue(prefix);
                return value.valueType() == ConfigValueType.OBJECT && ((ConfigObject) value).isEmpty();
            }
        }
        return false;
    }
}
