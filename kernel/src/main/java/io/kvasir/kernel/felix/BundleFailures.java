package io.kvasir.kernel.felix;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import org.osgi.framework.Bundle;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a bundle's start failure into the one line an operator reads. A bundle that rejects
 * its configuration is reported as a config error, because the fix is in the config file,
 * not in the bundle.
 */
public final class BundleFailures {
    private static final Pattern LEADING_KEY = Pattern.compile("^([A-Za-z0-9_-]+(?:\\.[A-Za-z0-9_-]+)+)\\s*:");

    private BundleFailures() {
    }

    /**
     * @param config the node's config, to recognise messages that start with one of its keys
     */
    public static String describe(Bundle bundle, Throwable failure, Config config) {
        Optional<String> configError = configError(failure, config);
        if (configError.isPresent()) {
            return "config error: " + configError.get();
        }
        String message = "cannot start bundle " + bundle.getSymbolicName() + " " + bundle.getVersion()
                + ": " + failure.getMessage();
        Throwable root = rootCause(failure);
        if (root != failure) {
            // Felix says only "Activator start error in bundle x"; the cause says why.
            message += " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
        }
        return message;
    }

    /** The message of the first config complaint in the cause chain, if any. */
    static Optional<String> configError(Throwable failure, Config config) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConfigException || namedConfigException(t.getClass())) {
                return Optional.of(String.valueOf(t.getMessage()));
            }
            if (t instanceof IllegalArgumentException && startsWithConfigKey(t.getMessage(), config)) {
                return Optional.of(t.getMessage());
            }
        }
        return Optional.empty();
    }

    // Bundles may define their own exception types; the naming convention is the contract.
    private static boolean namedConfigException(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (c.getSimpleName().endsWith("ConfigException")) {
                return true;
            }
        }
        return false;
    }

    private static boolean startsWithConfigKey(String message, Config config) {
        if (message == null) {
            return false;
        }
        Matcher m = LEADING_KEY.matcher(message);
        try {
            return m.find() && config.hasPathOrNull(m.group(1));
        } catch (ConfigException e) {
            return false;
        }
    }

    private static Throwable rootCause(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }
}
