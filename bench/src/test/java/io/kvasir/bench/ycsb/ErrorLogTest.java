package io.kvasir.bench.ycsb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ErrorLogTest {

    @Test
    void announcesEachOfTheFirstDistinctMessagesOnceAndCountsAll() {
        List<String> announced = new ArrayList<>();
        ErrorLog log = new ErrorLog(2, announced::add);
        log.record("A read", new IllegalStateException("retry is exhausted"));
        log.record("A read", new IllegalStateException("retry is exhausted"));
        log.record("A update", new IllegalStateException("region is null"));
        log.record("A update", new RuntimeException("third kind"));
        log.record("A update", new RuntimeException("fourth kind"));
        assertEquals(List.of("error: A read: IllegalStateException: retry is exhausted",
                "error: A update: IllegalStateException: region is null"), announced);
        assertEquals(List.of("2 x A read: IllegalStateException: retry is exhausted",
                "1 x A update: IllegalStateException: region is null",
                "2 x other messages"), log.summary());
    }

    @Test
    void describesCausesOnTheirFirstLineAndCutsLongMessages() {
        Exception e = new RuntimeException("outer\nsecond line", new IllegalArgumentException("inner"));
        assertEquals("RuntimeException: outer <- IllegalArgumentException: inner", ErrorLog.describe(e));
        assertEquals("NullPointerException", ErrorLog.describe(new NullPointerException()));
        String longMessage = ErrorLog.describe(new RuntimeException("x".repeat(1000)));
        assertTrue(longMessage.length() <= ErrorLog.MAX_MESSAGE_LENGTH + 3 && longMessage.endsWith("..."));
    }
}
