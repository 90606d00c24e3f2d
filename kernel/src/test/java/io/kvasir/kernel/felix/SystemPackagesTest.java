package io.kvasir.kernel.felix;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SystemPackagesTest {
    @TempDir
    Path dir;

    private Path jar(String name, Map<String, String> headers, String... entries) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        headers.forEach((k, v) -> manifest.getMainAttributes().put(new Attributes.Name(k), v));
        Path jar = dir.resolve(name);
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            for (String entry : entries) {
                out.putNextEntry(new JarEntry(entry));
                out.write(new byte[] {(byte) 0xCA, (byte) 0xFE});
                out.closeEntry();
            }
        }
        return jar;
    }

    @Test
    void listsPackagesOfClassesWithManifestVersions() throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Export-Package",
                "com.example.a;uses:=\"com.example.a.b,org.x\";version=\"2.3.4\",com.example.a.b;version=1.0");
        headers.put("Bundle-Version", "9.9.9.final");
        Path lib = jar("lib-0.1.jar", headers,
                "module-info.class",
                "com/example/a/A.class",
                "com/example/a/b/B.class",
                "com/example/other/O.class",
                "com/example/resources/readme.txt",
                "META-INF/versions/11/com/example/mr/M.class");

        Map<String, String> packages = SystemPackages.scan(List.of(lib), p -> true);

        assertEquals(Map.of(
                "com.example.a", "2.3.4",
                "com.example.a.b", "1.0.0",
                "com.example.other", "9.9.9.final"), packages);
    }

    @Test
    void fallsBackToImplementationVersionThenFileName() throws IOException {
        Path impl = jar("impl.jar", Map.of("Implementation-Version", "1.2-SNAPSHOT"), "i/I.class");
        Path named = jar("guava-33.6.0-android.jar", Map.of(), "g/G.class");
        Path bare = jar("bare.jar", Map.of(), "b/B.class");

        Map<String, String> packages = SystemPackages.scan(List.of(impl, named, bare), p -> true);

        assertEquals(Map.of("i", "1.2.0.SNAPSHOT", "g", "33.6.0.android", "b", "0.0.0"), packages);
    }

    @Test
    void honoursFilterSkipsDirectoriesAndFirstJarWins() throws IOException {
        Path first = jar("first-1.0.jar", Map.of(), "p/A.class");
        Path second = jar("second-2.0.jar", Map.of(), "p/B.class", "q/Q.class");
        Path skipped = jar("skipped-3.0.jar", Map.of(), "s/S.class");
        Path classesDir = Files.createDirectories(dir.resolve("classes/p"));

        Map<String, String> packages = SystemPackages.scan(
                List.of(first, second, skipped, classesDir.getParent(), dir.resolve("missing.jar")),
                p -> !p.equals(skipped));

        assertEquals(Map.of("p", "1.0.0", "q", "2.0.0"), packages);
    }

    @Test
    void headerListsPackagesThenExtras() {
        Map<String, String> packages = new LinkedHashMap<>();
        packages.put("a", "1.0.0");
        packages.put("b", "2.0.0.x");
        assertEquals("a;version=\"1.0.0\",b;version=\"2.0.0.x\",sun.nio.ch",
                SystemPackages.toHeader(packages, List.of("sun.nio.ch")));
    }

    @Test
    void defaultFilterOnTheRealClassPathSkipsFelixAndFindsInfrastructure() {
        Map<String, String> packages = SystemPackages.scan(SystemPackages.javaClassPath(), SystemPackages.defaultFilter());

        assertFalse(packages.containsKey("org.osgi.framework"), "Felix exports the OSGi API itself");
        assertFalse(packages.containsKey("org.apache.felix.framework"));
        assertFalse(packages.containsKey("io.kvasir.kernel"), "kernel packages are no API");
        assertEquals("1.85.1", packages.get("io.grpc"));
        assertTrue(packages.get("com.google.protobuf").startsWith("4."));
        assertTrue(packages.get("org.slf4j").startsWith("2."), "first Export-Package clause wins");
        assertTrue(packages.containsKey("com.typesafe.config"));
    }
}
