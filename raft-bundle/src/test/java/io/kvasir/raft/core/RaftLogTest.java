package io.kvasir.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.kvasir.kvproto.Eraftpb.ConfState;
import io.kvasir.kvproto.Eraftpb.Entry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The log: stable and unstable parts, append with conflicts, commit and apply (etcd {@code log_test.go}). */
class RaftLogTest {

    /** Entries given as terms, starting at index {@code from}. */
    static List<Entry> ents(long from, long... terms) {
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < terms.length; i++) {
            out.add(Entry.newBuilder().setIndex(from + i).setTerm(terms[i]).build());
        }
        return out;
    }

    private static RaftLog logWith(long... terms) {
        RaftLog log = new RaftLog(new MemoryLogStorage());
        log.append(ents(1, terms));
        return log;
    }

    @Test
    void anEmptyLogHasTheDummyEntryOnly() {
        RaftLog log = new RaftLog(new MemoryLogStorage());
        assertEquals(1, log.firstIndex());
        assertEquals(0, log.lastIndex());
        assertEquals(0, log.term(0));
        assertEquals(RaftLog.UNKNOWN_TERM, log.term(1));
    }

    @Test
    void findConflictReturnsTheFirstMismatchingIndex() {
        RaftLog log = logWith(1, 2, 3);
        assertEquals(0, log.findConflict(List.of()));
        assertEquals(0, log.findConflict(ents(1, 1, 2, 3)));
        assertEquals(0, log.findConflict(ents(2, 2, 3)));
        assertEquals(4, log.findConflict(ents(2, 2, 3, 4, 4)), "new entries past the end");
        assertEquals(2, log.findConflict(ents(2, 1, 4, 4)), "a conflicting term");
        assertEquals(3, log.findConflict(ents(3, 4, 4)));
    }

    @Test
    void maybeAppendTruncatesAConflictingSuffixAndCommits() {
        RaftLog log = logWith(1, 2, 3);
        assertEquals(RaftLog.APPEND_MISMATCH, log.maybeAppend(3, 2, 3, ents(4, 4)), "previous term differs");
        assertEquals(RaftLog.APPEND_MISMATCH, log.maybeAppend(4, 3, 3, ents(5, 4)), "previous index missing");
        assertEquals(3, log.maybeAppend(2, 2, 3, ents(3, 4)));
        assertEquals(4, log.term(3));
        assertEquals(3, log.committed());
    }

    @Test
    void maybeAppendCommitsOnlyUpToTheLastNewEntry() {
        RaftLog log = logWith(1, 2, 3);
        assertEquals(2, log.maybeAppend(1, 1, 3, ents(2, 2)));
        assertEquals(2, log.committed(), "the leader's commit 3 is beyond what this append proves we share");
    }

    @Test
    void maybeAppendRefusesToOverwriteCommittedEntries() {
        RaftLog log = logWith(1, 2, 3);
        log.commitTo(2);
        assertEquals(RaftLog.APPEND_CONFLICTS_WITH_COMMITTED, log.maybeAppend(0, 0, 3, ents(1, 1, 4)));
        assertEquals(2, log.term(2), "nothing changed");
    }

    @Test
    void findConflictByTermSkipsWholeTerms() {
        RaftLog log = logWith(1, 1, 2, 2, 5, 5, 5);
        assertEquals(7, log.findConflictByTerm(7, 5));
        assertEquals(4, log.findConflictByTerm(7, 4), "terms above 4 are skipped to the last entry of term 2");
        assertEquals(2, log.findConflictByTerm(7, 1));
        assertEquals(0, log.findConflictByTerm(7, 0));
        assertEquals(4, log.findConflictByTerm(4, 3));
    }

    @Test
    void isUpToDateComparesLastTermThenLength() {
        RaftLog log = logWith(1, 2, 2);
        assertTrue(log.isUpToDate(1, 3));
        assertTrue(log.isUpToDate(3, 2));
        assertTrue(log.isUpToDate(4, 2));
        assertFalse(log.isUpToDate(2, 2));
        assertFalse(log.isUpToDate(9, 1));
    }

    @Test
    void committingPastTheLastIndexIsABug() {
        RaftLog log = logWith(1, 1);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> log.commitTo(3));
        assertTrue(e.getMessage().contains("commit index 3 is past last index 2"), e.getMessage());
    }

    @Test
    void applyingOutsideAppliedToCommittedIsABug() {
        RaftLog log = logWith(1, 1, 1);
        log.commitTo(2);
        log.appliedTo(1);
        assertThrows(IllegalStateException.class, () -> log.appliedTo(3), "past the commit index");
        log.appliedTo(2);
        assertThrows(IllegalStateException.class, () -> log.appliedTo(1), "backwards");
    }

    @Test
    void appendingBehindTheCommitIndexIsABug() {
        RaftLog log = logWith(1, 1, 1);
        log.commitTo(3);
        assertThrows(IllegalStateException.class, () -> log.append(ents(3, 2)));
    }

    @Test
    void committedEntriesSpanStorageAndUnstable() {
        MemoryLogStorage storage = new MemoryLogStorage();
        storage.append(ents(1, 1, 1));
        RaftLog log = new RaftLog(storage);
        log.append(ents(3, 1, 2));
        log.commitTo(4);
        assertEquals(List.of(1L, 2L, 3L, 4L), log.nextCommittedEntries(Long.MAX_VALUE).stream().map(Entry::getIndex).toList());
        log.appliedTo(2);
        assertEquals(List.of(3L, 4L), log.nextCommittedEntries(Long.MAX_VALUE).stream().map(Entry::getIndex).toList());
    }

    @Test
    void slicesAreCappedByBytesButKeepOneEntry() {
        RaftLog log = new RaftLog(new MemoryLogStorage());
        List<Entry> big = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            big.add(Entry.newBuilder().setIndex(i).setTerm(1).setData(ByteString.copyFrom(new byte[100])).build());
        }
        log.append(big);
        long one = big.get(0).getSerializedSize();
        assertEquals(1, log.slice(1, 6, 1).size());
        assertEquals(2, log.slice(1, 6, 2 * one).size());
        assertEquals(5, log.slice(1, 6, Long.MAX_VALUE).size());
    }

    @Test
    void entriesFromACompactedIndexAskForASnapshot() {
        MemoryLogStorage storage = new MemoryLogStorage();
        storage.append(ents(1, 1, 1, 1, 1, 1)); // indexes 1..5
        storage.createSnapshot(3, ConfState.getDefaultInstance(), ByteString.EMPTY);
        storage.compact(3);
        RaftLog log = new RaftLog(storage);
        assertNull(log.entriesFrom(2, Long.MAX_VALUE));
        assertEquals(2, log.entriesFrom(4, Long.MAX_VALUE).size());
        assertEquals(1, log.term(3), "the compaction point's term is still known");
        assertEquals(RaftLog.UNKNOWN_TERM, log.term(2));
    }

    @Test
    void restoringASnapshotReplacesTheLog() {
        RaftLog log = logWith(1, 1, 1);
        var snap = io.kvasir.kvproto.Eraftpb.Snapshot.newBuilder().setMetadata(
                io.kvasir.kvproto.Eraftpb.SnapshotMetadata.newBuilder().setIndex(10).setTerm(3)).build();
        log.restore(snap);
        assertEquals(10, log.committed());
        assertEquals(11, log.firstIndex());
        assertEquals(10, log.lastIndex());
        assertEquals(3, log.term(10));
        assertTrue(log.hasPendingSnapshot());
        log.stableSnapTo(10);
        assertFalse(log.hasPendingSnapshot());
    }

    @Test
    void stableToForgetsOnlyEntriesThatStillMatch() {
        Unstable u = new Unstable(1);
        u.truncateAndAppend(ents(1, 1, 1, 1));
        u.stableTo(2, 2); // wrong term: a later append replaced it
        assertEquals(1, u.offset());
        u.stableTo(2, 1);
        assertEquals(3, u.offset());
        assertEquals(1, u.entries().size());
    }

    @Test
    void truncateAndAppendReplacesTheTailFromTheFirstNewIndex() {
        Unstable u = new Unstable(5);
        u.truncateAndAppend(ents(5, 1, 1, 1));
        u.truncateAndAppend(ents(6, 2));
        assertEquals(List.of(1L, 2L), u.entries().stream().map(Entry::getTerm).toList());
        u.truncateAndAppend(ents(4, 3, 3));
        assertEquals(4, u.offset(), "an append before the offset replaces everything unstable");
        assertEquals(2, u.entries().size());
    }

    @Test
    void memoryStorageAppendTruncatesAndIgnoresCompactedEntries() {
        MemoryLogStorage s = new MemoryLogStorage();
        s.append(ents(1, 1, 1, 1));
        s.append(ents(2, 2));
        assertEquals(2, s.lastIndex());
        assertEquals(2, s.term(2));
        s.createSnapshot(2, ConfState.getDefaultInstance(), ByteString.EMPTY);
        s.compact(2);
        s.append(ents(1, 1, 2, 2));
        assertEquals(3, s.lastIndex());
        assertThrows(StorageException.Compacted.class, () -> s.term(1));
        assertThrows(IllegalStateException.class, () -> s.append(ents(9, 9)));
    }
}
