package io.kvasir.kernel.felix;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Computes {@code org.osgi.framework.system.packages.extra} from the class path: the
 * infrastructure libraries (gRPC, protobuf, slf4j, typesafe-config) live on the kernel's class
 * path, and most of them carry no OSGi metadata, so the system bundle exports every package
 * they hold (PLATFORM-NOTES §2).
 */
public final class SystemPackages {
    private static final Pattern FILE_NAME_VERSION = Pattern.compile("-(\\d[A-Za-z0-9_.\\-]*)\\.jar$");

    private SystemPackages() {
    }

    /** The entries of {@code java.class.path}, in order. */
    public static List<Path> javaClassPath() {
        String cp = System.getProperty("java.class.path", "");
        List<Path> paths = new ArrayList<>();
        for (String entry : cp.split(Pattern.quote(File.pathSeparator))) {
            if (!entry.isBlank()) {
                paths.add(Path.of(entry));
            }
        }
        return paths;
    }

    /**
     * Skips the Felix framework jar (the system bundle exports the OSGi API itself) and the
     * kernel's own jar (kernel packages are not an API for bundles).
     */
    public static Predicate<Path> defaultFilter() {
        List<Path> skipped = new ArrayList<>();
        codeLocation(org.apache.felix.framework.Logger.class).ifPresent(skipped::add);
        codeLocation(SystemPackages.class).ifPresent(skipped::add);
        return jar -> !skipped.contains(jar.toAbsolutePath().normalize());
    }

    private static Optional<Path> codeLocation(Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Path.of(source.getLocation().toURI()).toAbsolutePath().normalize());
        } catch (URISyntaxException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * Lists the packages held by the accepted jars of {@code classPath} with their OSGi
     * versions. Directories and missing entries are skipped; when two jars hold the same
     * package the first one wins, as it does for class loading.
     */
    public static Map<String, String> scan(List<Path> classPath, Predicate<Path> include) {
        Map<String, String> packages = new LinkedHashMap<>();
        for (Path entry : classPath) {
            if (Files.isRegularFile(entry) && entry.toString().endsWith(".jar") && include.test(entry)) {
                scanJar(entry).forEach(packages::putIfAbsent);
            }
        }
        return packages;
    }

    /** Renders packages as {@code a;version="1.2.3",b;version="..."} followed by the extra clauses. */
    public static String toHeader(Map<String, String> packages, List<String> extra) {
        List<String> clauses = new ArrayList<>();
        packages.forEach((pkg, version) -> clauses.add(pkg + ";version=\"" + version + "\""));
        clauses.addAll(extra);
        return String.join(",", clauses);
    }

    static Map<String, String> scanJar(Path jar) {
        try (JarFile file = new JarFile(jar.toFile(), false)) {
            Manifest manifest = file.getManifest();
            Attributes main = manifest == null ? new Attributes() : manifest.getMainAttributes();
            Map<String, String> exported = ExportPackageHeader.versions(main.getValue("Export-Package"));
            String jarVersion = jarVersion(main, jar);
            Map<String, String> packages = new LinkedHashMap<>();
            for (String pkg : packagesIn(file)) {
                String declared = exported.get(pkg);
                packages.put(pkg, OsgiVersion.normalise(declared != null ? declared : jarVersion));
            }
            return packages;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read class path jar " + jar, e);
        }
    }

    private static TreeSet<String> packagesIn(JarFile file) {
        TreeSet<String> packages = new TreeSet<>();
        for (Enumeration<JarEntry> entries = file.entries(); entries.hasMoreElements(); ) {
            String name = entries.nextElement().getName();
            int slash = name.lastIndexOf('/');
            // META-INF/versions holds multi-release variants of packages listed elsewhere.
            if (name.endsWith(".class") && slash > 0 && !name.startsWith("META-INF/")) {
                packages.add(name.substring(0, slash).replace('/', '.'));
            }
        }
        return packages;
    }

    private static String jarVersion(Attributes main, Path jar) {
        for (String header : List.of("Bundle-Version", "Implementation-Version")) {
            String value = main.getValue(header);
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        Matcher m = FILE_NAME_VERSION.matcher(jar.getFileName().toString());
        return m.find() ? m.group(1) : "0.0.0";
    }
}
