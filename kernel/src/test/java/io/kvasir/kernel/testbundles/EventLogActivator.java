package io.kvasir.kernel.testbundles;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Activator of generated test bundles that appends "start NAME" / "stop NAME" to the file the
 * framework property {@value #EVENT_LOG} names, so a test can see the order bundles ran in
 * (bundles cannot share objects with the test's class loader).
 */
public final class EventLogActivator implements BundleActivator {
    public static final String EVENT_LOG = "kvasir.test.event-log";

    @Override
    public void start(BundleContext context) {
        append(context, "start " + context.getBundle().getSymbolicName());
    }

    @Override
    public void stop(BundleContext context) {
        append(context, "stop " + context.getBundle().getSymbolicName());
    }

    static void append(BundleContext context, String line) {
        try {
            Files.writeString(Path.of(context.getProperty(EVENT_LOG)), line + "\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
