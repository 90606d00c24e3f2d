package io.kvasir.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/** Writes OSGi bundle jars for tests: a manifest, optional activator classes (copied from the test class path) and resources. */
public final class TestBundle {
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final Map<String, byte[]> entries = new LinkedHashMap<>();

    private TestBundle(String symbolicName) {
        headers.put("Bundle-ManifestVersion", "2");
        headers.put("Bundle-SymbolicName", symbolicName);
        headers.put("Bundle-Version", "1.0.0");
    }

    public static TestBundle named(String symbolicName) {
        return new TestBundle(symbolicName);
    }

    /** Sets Bundle-Activator and packs the class with its nested and anonymous classes. */
    public TestBundle activator(Class<?> activator) {
        headers.put("Bundle-Activator", activator.getName());
        addClassFiles(activator);
        return this;
    }

    public TestBundle importPackage(String... packages) {
        headers.put("Import-Package", String.join(",", packages));
        return this;
    }

    public TestBundle header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public TestBundle resource(String path, String content) {
        entries.put(path, content.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** Writes {@code fileName} into {@code dir} and returns its path. */
    public Path writeTo(Path dir, String fileName) {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        headers.forEach((k, v) -> main.put(new Attributes.Name(k), v));
        Path jar = dir.resolve(fileName);
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                out.putNextEntry(new JarEntry(e.getKey()));
                out.write(e.getValue());
                out.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return jar;
    }

    private void addClassFiles(Class<?> type) {
        String packagePath = type.getPackageName().replace('.', '/');
        try {
            Path classFile = Path.of(type.getResource(type.getSimpleName() + ".class").toURI());
            String prefix = type.getSimpleName() + "$";
            List<Path> files;
            try (Stream<Path> siblings = Files.list(classFile.getParent())) {
                files = siblings.filter(p -> p.equals(classFile) || p.getFileName().toString().startsWith(prefix))
                        .toList();
            }
            for (Path f : files) {
                try (InputStream in = Files.newInputStream(f)) {
                    entries.put(packagePath + "/" + f.getFileName(), in.readAllBytes());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
