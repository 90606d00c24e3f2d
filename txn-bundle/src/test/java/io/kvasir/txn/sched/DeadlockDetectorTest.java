package io.kvasir.txn.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DeadlockDetectorTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final DeadlockDetector detector = new DeadlockDetector(now::get, 3_000);

    private static byte[] key(String k) {
        return k.getBytes();
    }

    @Test
    void aCycleOfThreeTransactionsIsDetectedAndBrokenAtTheWaitThatWouldCloseIt() {
        assertTrue(detector.detect(10, 20, 1, key("a")).isEmpty());
        assertTrue(detector.detect(20, 30, 2, key("b")).isEmpty());
        List<DeadlockDetector.Wait> cycle = detector.detect(30, 10, 3, key("c")).orElseThrow();
        assertEquals(List.of(30L, 10L, 20L), cycle.stream().map(DeadlockDetector.Wait::waiter).toList());
        assertEquals(List.of(10L, 20L, 30L), cycle.stream().map(DeadlockDetector.Wait::holder).toList());
        assertEquals(2, detector.waiters(), "the refused wait was not recorded");
        // Transaction 30 gave up; 20 gets its lock and stops waiting: 10 and 20 go on.
        detector.cleanUpWaitFor(20, 30, 2);
        assertTrue(detector.detect(30, 10, 3, key("c")).isEmpty(), "no cycle any more");
    }

    @Test
    void waitsWithoutACycleAndEndedTransactionsAreNoDeadlock() {
        assertTrue(detector.detect(1, 2, 7, key("k")).isEmpty());
        assertTrue(detector.detect(3, 2, 7, key("k")).isEmpty(), "two waiters on one holder");
        assertTrue(detector.detect(2, 4, 8, key("j")).isEmpty());
        detector.cleanUp(1);
        detector.cleanUp(3);
        assertTrue(detector.detect(4, 1, 9, key("m")).isEmpty(), "1 ended: it waits for nobody");
        assertEquals(2, detector.waiters());
    }

    @Test
    void waitsExpireSoALostCleanUpCannotLeaveAPhantomDeadlock() {
        assertTrue(detector.detect(10, 20, 1, key("a")).isEmpty());
        now.addAndGet(3_000);
        assertTrue(detector.detect(20, 10, 2, key("b")).isEmpty(), "the old wait expired");
        assertEquals(1, detector.waiters());
    }
}
