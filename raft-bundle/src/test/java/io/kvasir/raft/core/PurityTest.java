package io.kvasir.raft.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the core pure (DESIGN.md; STYLE rule 1): no class of {@code io.kvasir.raft.core} may refer
 * to I/O, time, threads, ambient randomness or the clock. Checked on the compiled classes' constant
 * pools, where every class and member a class uses is named — so nothing slips by through imports
 * or fully qualified names.
 */
class PurityTest {

    private static final List<String> FORBIDDEN_CLASSES = List.of(
            "java/io/", "java/nio/", "java/time/", "java/net/", "java/util/concurrent/",
            "java/lang/Thread", "java/lang/Runnable", "java/util/Random", "java/util/Timer",
            "java/lang/ProcessBuilder", "java/lang/Runtime");
    private static final List<String> FORBIDDEN_MEMBERS = List.of("currentTimeMillis", "nanoTime");

    @Test
    void theCoreUsesNoIoTimeThreadsOrAmbientRandomness() throws IOException, URISyntaxException {
        Path root = Path.of(RawNode.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve("io/kvasir/raft/core");
        List<String> violations = new ArrayList<>();
        int classes = 0;
        try (Stream<Path> files = Files.list(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                classes++;
                for (String s : utf8Constants(f)) {
                    for (String bad : FORBIDDEN_CLASSES) {
                        if (refersTo(s, bad) && !s.contains("java/io/Serializable")) {
                            violations.add(f.getFileName() + " refers to " + s);
                        }
                    }
                    if (FORBIDDEN_MEMBERS.contains(s)) {
                        violations.add(f.getFileName() + " calls " + s);
                    }
                }
            }
        }
        assertTrue(classes > 20, "found only " + classes + " classes under " + root);
        assertTrue(violations.isEmpty(), String.join("\n", violations));
    }

    @Test
    void theCheckSeesAForbiddenReference() throws IOException, URISyntaxException {
        Path self = Path.of(PurityTest.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve("io/kvasir/raft/core/PurityTest.class");
        assertTrue(utf8Constants(self).stream().anyMatch(s -> refersTo(s, "java/io/")),
                "this test uses java.io, and the scan must see it");
    }

    /** A package prefix ({@code java/io/}) matches anything in it; a class name matches only that class. */
    private static boolean refersTo(String constant, String forbidden) {
        if (forbidden.endsWith("/")) {
            return constant.contains(forbidden);
        }
        return constant.equals(forbidden) || constant.contains("L" + forbidden + ";");
    }

    /** The CONSTANT_Utf8 entries of a class file's constant pool (JVMS §4.4). */
    static List<String> utf8Constants(Path classFile) throws IOException {
        List<String> out = new ArrayList<>();
        try (InputStream in = Files.newInputStream(classFile); DataInputStream data = new DataInputStream(in)) {
            data.readInt(); // magic
            data.readUnsignedShort();
            data.readUnsignedShort();
            int count = data.readUnsignedShort();
            for (int i = 1; i < count; i++) {
                int tag = data.readUnsignedByte();
                switch (tag) {
                    case 1 -> out.add(data.readUTF());
                    case 3, 4 -> data.readInt();
                    case 5, 6 -> {
                        data.readLong();
                        i++; // takes two slots
                    }
                    case 7, 8, 16, 19, 20 -> data.readUnsignedShort();
                    case 9, 10, 11, 12, 17, 18 -> data.readInt();
                    case 15 -> {
                        data.readUnsignedByte();
                        data.readUnsignedShort();
                    }
                    default -> throw new IOException("unknown constant pool tag " + tag + " in " + classFile);
                }
            }
        }
        return out;
    }
}
