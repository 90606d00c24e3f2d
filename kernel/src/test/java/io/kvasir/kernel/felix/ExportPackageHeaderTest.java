package io.kvasir.kernel.felix;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ExportPackageHeaderTest {

    @Test
    void firstClauseWinsAndQuotedCommasAreKept() {
        // Shape of slf4j-api 2.0's header: org.slf4j is exported twice.
        String header = "org.slf4j.spi;version=\"2.0.20\";uses:=\"org.slf4j,org.slf4j.event\","
                + "org.slf4j;version=\"2.0.20\",org.slf4j;version=\"1.7.36\",a;b;version=3";
        Map<String, String> expected = new HashMap<>();
        expected.put("org.slf4j.spi", "2.0.20");
        expected.put("org.slf4j", "2.0.20");
        expected.put("a", "3");
        expected.put("b", "3");
        assertEquals(expected, ExportPackageHeader.versions(header));
    }

    @Test
    void packagesWithoutVersionMapToNull() {
        Map<String, String> versions = ExportPackageHeader.versions("x.y;uses:=\"z\"");
        assertEquals(1, versions.size());
        assertEquals(null, versions.get("x.y"));
    }
}
