package io.kvasir.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The distribution built by assembly/, as the tests find it. */
final class Distribution {

    private Distribution() {
    }

    static Path home() {
        String dist = System.getProperty("kvasir.dist");
        if (dist == null) {
            throw new IllegalStateException("kvasir.dist is not set: run these tests through Maven (mvn verify)");
        }
        Path home = Path.of(dist).toAbsolutePath().normalize();
        if (!Files.isRegularFile(home.resolve("bin/kvasir"))) {
            throw new IllegalStateException(home + " holds no distribution: build it first (mvn -B verify builds assembly/ before it/)");
        }
        return home;
    }

    /**
     * The distribution's bundles, minus those whose file name starts with one of
     * {@code hostedByTest}: packages the test exports from its own class path instead.
     */
    static Path bundlesWithout(Path into, String... hostedByTest) {
        try (Stream<Path> jars = Files.list(home().resolve("bundles"))) {
            Files.createDirectories(into);
            for (Path jar : jars.toList()) {
                String name = jar.getFileName().toString();
                if (Stream.of(hostedByTest).noneMatch(name::startsWith)) {
                    Files.copy(jar, into.resolve(name));
                }
            }
            return into;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The jars of the test class path that a production launcher would also have on its class path. */
    static boolean isInfrastructureJar(Path jar) {
        String name = jar.getFileName().toString();
        return INFRASTRUCTURE.stream().anyMatch(name::startsWith);
    }

    private static final List<String> INFRASTRUCTURE = List.of(
            "grpc-", "protobuf-java", "guava-", "failureaccess-", "slf4j-", "config-", "perfmark-",
            "proto-google-common-protos", "error_prone_annotations", "j2objc", "jsr305", "animal-sniffer",
            "gson-", "checker-qual", "jspecify", "prometheus-metrics-",
            // Hosted by the test rather than installed as a bundle; see EngineSwapTest.
            "kvasir-engine-api", "engine-api");
}
