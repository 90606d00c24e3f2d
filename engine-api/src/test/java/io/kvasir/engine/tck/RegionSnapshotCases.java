package io.kvasir.engine.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.EngineException.Code;
import io.kvasir.engine.api.KeyRange;
import io.kvasir.engine.api.KvEngine;
import io.kvasir.engine.api.Snapshot;
import io.kvasir.engine.api.SnapshotFileMeta;
import io.kvasir.engine.api.SnapshotManifest;
import io.kvasir.engine.api.WriteOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Region snapshots in the engine-neutral format, within one engine and between two kinds. */
abstract class RegionSnapshotCases extends EngineCases {
    private static final List<ColumnFamily> DATA = ColumnFamily.DATA;

    RegionSnapshotCases(EngineTck suite) {
        super(suite);
    }

    private void region(KvEngine target) {
        target.put(DEFAULT, b("a"), b("outside-left"), WriteOptions.NO_SYNC);
        target.put(DEFAULT, b("m1"), b("d1"), WriteOptions.NO_SYNC);
        target.put(DEFAULT, b("m2"), b("d2"), WriteOptions.NO_SYNC);
        target.put(LOCK, b("m1"), b("l1"), WriteOptions.NO_SYNC);
        target.put(WRITE, b("m3"), b("w3"), WriteOptions.NO_SYNC);
        target.put(RAFT, b("m1"), b("raft-state"), WriteOptions.NO_SYNC);
        target.put(DEFAULT, b("z"), b("outside-right"), WriteOptions.NO_SYNC);
    }

    private SnapshotManifest export(KvEngine source, KeyRange range, String dir) {
        try (Snapshot snap = source.snapshot()) {
            return source.exportSnapshot(snap, range, DATA, tmp.resolve(dir));
        }
    }

    @Test
    void exportHoldsOnlyTheRangeAndTheChosenColumnFamilies() {
        region(engine);
        SnapshotManifest manifest = export(engine, KeyRange.of(b("m"), b("n")), "snap");
        assertEquals(3, manifest.files().size());
        assertEquals(4, manifest.totalEntries());
        for (SnapshotFileMeta meta : manifest.files()) {
            assertTrue(Files.exists(meta.path()));
        }
    }

    @Test
    void importReplacesTheRangeAndNothingElse() {
        region(engine);
        SnapshotManifest manifest = export(engine, KeyRange.of(b("m"), b("n")), "snap");
        KvEngine target = open(factory(), "target");
        target.put(DEFAULT, b("m0"), b("stale, inside the range"), WriteOptions.NO_SYNC);
        target.put(DEFAULT, b("m2"), b("stale value"), WriteOptions.NO_SYNC);
        target.put(DEFAULT, b("b"), b("outside"), WriteOptions.NO_SYNC);
        target.put(RAFT, b("m9"), b("not exported"), WriteOptions.NO_SYNC);
        target.importSnapshot(manifest);
        assertEquals(Map.of("b", "outside", "m1", "d1", "m2", "d2"), contents(target, DEFAULT));
        assertEquals(Map.of("m1", "l1"), contents(target, LOCK));
        assertEquals(Map.of("m3", "w3"), contents(target, WRITE));
        assertEquals(Map.of("m9", "not exported"), contents(target, RAFT));
    }

    @Test
    void exportSeesTheSnapshotNotLaterWrites() {
        region(engine);
        try (Snapshot snap = engine.snapshot()) {
            put(DEFAULT, "m1", "later");
            put(DEFAULT, "m5", "later");
            SnapshotManifest manifest = engine.exportSnapshot(snap, KeyRange.of(b("m"), b("n")), DATA, tmp.resolve("snap"));
            KvEngine target = open(factory(), "target");
            target.importSnapshot(manifest);
            assertEquals(Map.of("m1", "d1", "m2", "d2"), contents(target, DEFAULT));
        }
    }

    @Test
    void rangeOpenAtTheEnd() {
        region(engine);
        SnapshotManifest manifest = export(engine, KeyRange.of(b("m2"), new byte[0]), "snap");
        KvEngine target = open(factory(), "target");
        target.put(DEFAULT, b("zz"), b("stale"), WriteOptions.NO_SYNC);
        target.put(DEFAULT, b("m1"), b("before the range"), WriteOptions.NO_SYNC);
        target.importSnapshot(manifest);
        assertEquals(Map.of("m1", "before the range", "m2", "d2", "z", "outside-right"), contents(target, DEFAULT));
    }

    /** Here to there and back again, through an engine of another kind when the suite has one. */
    @Test
    void roundTripThroughThePeerEngine() {
        Random random = new Random(11);
        for (int i = 0; i < 2_000; i++) {
            byte[] value = new byte[random.nextInt(300)];
            random.nextBytes(value);
            engine.put(ColumnFamily.DATA.get(i % 3), b(String.format("r%05d", i)), value, WriteOptions.NO_SYNC);
        }
        engine.put(DEFAULT, b("r-big"), new byte[1 << 20], WriteOptions.NO_SYNC);
        KeyRange range = KeyRange.of(b("r"), b("s"));
        SnapshotManifest there = export(engine, range, "there");
        KvEngine peer = open(peerFactory(), "peer");
        peer.importSnapshot(there);
        SnapshotManifest back = export(peer, range, "back");
        KvEngine again = open(factory(), "again");
        again.importSnapshot(back);
        for (ColumnFamily cf : DATA) {
            assertEquals(contents(engine, cf), contents(peer, cf), "peer engine " + peer.name() + ", " + cf.cfName());
            assertEquals(contents(engine, cf), contents(again, cf), "after the round trip, " + cf.cfName());
        }
        assertEquals(1 << 20, again.get(DEFAULT, b("r-big")).length);
    }

    @Test
    void corruptFileIsRefusedBeforeAnythingIsWritten() throws Exception {
        region(engine);
        SnapshotManifest manifest = export(engine, KeyRange.of(b("m"), b("n")), "snap");
        KvEngine target = open(factory(), "target");
        target.put(DEFAULT, b("m1"), b("keep me"), WriteOptions.NO_SYNC);
        Path write = manifest.files().get(2).path();
        byte[] bytes = Files.readAllBytes(write);
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(write, bytes);
        var e = EngineTckAssertions.assertFailsWithoutChange(target, DEFAULT, () -> target.importSnapshot(manifest));
        assertEquals(Code.CORRUPTION, e.code(), e.getMessage());
    }

    @Test
    void truncatedFileIsRefused() throws Exception {
        region(engine);
        SnapshotManifest manifest = export(engine, KeyRange.of(b("m"), b("n")), "snap");
        Path file = manifest.files().get(0).path();
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 7));
        KvEngine target = open(factory(), "target");
        var e = EngineTckAssertions.assertFailsWithoutChange(target, DEFAULT, () -> target.importSnapshot(manifest));
        assertEquals(Code.CORRUPTION, e.code(), e.getMessage());
    }

    @Test
    void manifestChecksumMustMatchTheFile() {
        region(engine);
        SnapshotManifest manifest = export(engine, KeyRange.of(b("m"), b("n")), "snap");
        SnapshotFileMeta first = manifest.files().get(0);
        SnapshotFileMeta forged = new SnapshotFileMeta(first.cf(), first.path(), first.entries(), first.size(), first.checksum() + 1);
        SnapshotManifest bad = new SnapshotManifest(manifest.range(), List.of(forged));
        KvEngine target = open(factory(), "target");
        var e = EngineTckAssertions.assertFailsWithoutChange(target, DEFAULT, () -> target.importSnapshot(bad));
        assertEquals(Code.CORRUPTION, e.code());
    }
}
