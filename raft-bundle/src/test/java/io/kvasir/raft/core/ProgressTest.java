package io.kvasir.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Per-follower replication state (etcd {@code tracker/progress_test.go}). */
class ProgressTest {

    @Test
    void aProbePausesUntilAnswered() {
        Progress pr = new Progress(0, 5, 8, false);
        assertFalse(pr.isPaused());
        pr.sentEntries(1, 5);
        assertTrue(pr.isPaused());
        pr.unpause();
        assertFalse(pr.isPaused());
    }

    @Test
    void replicatePipelinesUntilTheWindowIsFull() {
        Progress pr = new Progress(4, 5, 2, false);
        pr.becomeReplicate();
        pr.sentEntries(2, 6);
        assertEquals(7, pr.next());
        assertFalse(pr.isPaused());
        pr.sentEntries(1, 7);
        assertTrue(pr.isPaused());
        assertTrue(pr.maybeUpdate(6));
        pr.inflights().freeLE(6);
        assertFalse(pr.isPaused());
    }

    @Test
    void aStaleRejectionIsIgnored() {
        Progress pr = new Progress(5, 10, 8, false);
        pr.becomeReplicate();
        assertFalse(pr.maybeDecrTo(4, 4), "rejected index at or below match is stale");
        assertTrue(pr.maybeDecrTo(8, 6));
        assertEquals(6, pr.next(), "replicate falls back to match + 1");
    }

    @Test
    void aProbeRejectionJumpsToTheHint() {
        Progress pr = new Progress(0, 10, 8, false);
        assertFalse(pr.maybeDecrTo(5, 2), "answers an older probe");
        assertTrue(pr.maybeDecrTo(9, 3));
        assertEquals(4, pr.next());
        assertTrue(pr.maybeDecrTo(3, 100));
        assertEquals(3, pr.next(), "never beyond the rejected index");
    }

    @Test
    void matchOnlyRises() {
        Progress pr = new Progress(5, 6, 8, false);
        assertFalse(pr.maybeUpdate(3));
        assertEquals(5, pr.match());
        assertTrue(pr.maybeUpdate(9));
        assertEquals(10, pr.next());
    }

    @Test
    void afterASnapshotProbingStartsPastIt() {
        Progress pr = new Progress(1, 2, 8, false);
        pr.becomeSnapshot(20);
        assertTrue(pr.isPaused());
        pr.snapshotDone();
        assertEquals(ProgressState.PROBE, pr.state());
        assertEquals(21, pr.next());
    }

    @Test
    void aFailedSnapshotProbesFromTheMatchAgain() {
        Progress pr = new Progress(1, 2, 8, false);
        pr.becomeSnapshot(20);
        pr.snapshotFailed();
        assertEquals(2, pr.next());
        assertTrue(pr.isPaused(), "waits for a heartbeat response before probing");
    }
}
