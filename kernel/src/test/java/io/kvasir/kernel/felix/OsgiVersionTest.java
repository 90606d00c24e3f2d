package io.kvasir.kernel.felix;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class OsgiVersionTest {

    @ParameterizedTest
    @CsvSource({
        "2.0.20, 2.0.20",
        "33.6.0-android, 33.6.0.android",
        "1.0-SNAPSHOT, 1.0.0.SNAPSHOT",
        "4, 4.0.0",
        "1.2.3.4, 1.2.3.4",
        "1.2.3.Final, 1.2.3.Final",
        "01.002.0, 1.2.0",
        "1.2.3+build.7, 1.2.3.build_7",
        "unknown, 0.0.0",
    })
    void normalisesToOsgiVersions(String raw, String expected) {
        assertEquals(expected, OsgiVersion.normalise(raw));
    }
}
