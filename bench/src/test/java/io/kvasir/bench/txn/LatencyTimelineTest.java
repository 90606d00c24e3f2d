package io.kvasir.bench.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LatencyTimelineTest {

    private static final long S = LatencyTimeline.SECOND_NANOS;
    private static final long MS = 1_000_000;

    @Test
    void aWriteCountsInTheSecondItFinishedIn() {
        LatencyTimeline t = new LatencyTimeline(100 * S, S);
        t.succeeded(100 * S, 100 * S + 200 * MS);
        t.succeeded(100 * S + 900 * MS, 101 * S + 300 * MS);
        List<LatencyTimeline.Second> seconds = t.seconds();
        assertEquals(2, seconds.size());
        assertEquals(1, seconds.get(0).writes());
        assertEquals(1, seconds.get(1).writes());
        assertEquals(400 * MS, seconds.get(1).maxNanos(), 1 * MS);
        assertEquals(0, t.stalledSeconds(), "no write waited over a second");
    }

    @Test
    void aWriteStuckFiveSecondsMarksTheSecondsAfterItsFirst() {
        LatencyTimeline t = new LatencyTimeline(0, S);
        t.succeeded(500 * MS, 5 * S + 500 * MS); // waiting over 1 s from 1.5 s to 5.5 s
        List<LatencyTimeline.Second> seconds = t.seconds();
        assertFalse(seconds.get(0).stalled());
        for (int s = 1; s <= 5; s++) {
            assertTrue(seconds.get(s).stalled(), "second " + s);
        }
        assertEquals(5, t.stalledSeconds());
        assertEquals(0, seconds.get(3).writes(), "nothing finished in the middle of the stall");
    }

    @Test
    void failedAndUnfinishedWritesStallTooButAreNotLatencies() {
        LatencyTimeline t = new LatencyTimeline(0, S);
        t.failed(0, 2 * S + 100 * MS);
        t.unfinished(3 * S, 7 * S);
        assertEquals(1, t.failed());
        assertEquals(1, t.unfinished());
        assertEquals(0, t.succeeded());
        assertEquals(0, t.maxNanos());
        assertEquals(1, t.seconds().get(2).failures());
        assertEquals(2 + 4, t.stalledSeconds(), "seconds 1-2 of the failed write, 4-7 of the unfinished one");
    }

    @Test
    void percentilesCoverEverySuccessfulWrite() {
        LatencyTimeline t = new LatencyTimeline(0, S);
        for (int i = 1; i <= 100; i++) {
            t.succeeded(0, i * MS);
        }
        assertEquals(50 * MS, t.percentileNanos(50), MS / 10);
        assertEquals(100 * MS, t.maxNanos(), MS / 10);
    }
}
