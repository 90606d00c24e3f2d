package io.kvasir.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The pipelining window (etcd {@code tracker/inflights_test.go}). */
class InflightsTest {

    @Test
    void fillsUpAndFreesInOrderAcrossTheRingBoundary() {
        Inflights in = new Inflights(3);
        in.add(1);
        in.add(2);
        in.freeLE(1);
        in.add(3);
        in.add(4);
        assertTrue(in.full());
        in.freeLE(3);
        assertEquals(1, in.count());
        in.add(5);
        in.add(6);
        assertTrue(in.full());
        in.freeLE(10);
        assertEquals(0, in.count());
    }

    @Test
    void addingToAFullWindowOrOutOfOrderIsABug() {
        Inflights in = new Inflights(2);
        in.add(5);
        assertThrows(IllegalStateException.class, () -> in.add(5));
        in.add(6);
        assertThrows(IllegalStateException.class, () -> in.add(7));
    }

    @Test
    void freeingBelowTheOldestDoesNothing() {
        Inflights in = new Inflights(4);
        in.add(10);
        in.freeLE(9);
        assertEquals(1, in.count());
        assertFalse(in.full());
    }

    @Test
    void aCopyIsIndependent() {
        Inflights in = new Inflights(4);
        in.add(1);
        Inflights copy = in.copy();
        in.freeLE(1);
        assertEquals(1, copy.count());
    }
}
