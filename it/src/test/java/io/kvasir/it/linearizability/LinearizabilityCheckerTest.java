package io.kvasir.it.linearizability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Known linearizable and known non-linearizable histories, and sequential runs of a real register. */
class LinearizabilityCheckerTest {

    static boolean ok(Op... history) {
        return LinearizabilityChecker.firstViolation(List.of(history)).isEmpty();
    }

    @Test
    void aReadAfterAWriteReturnedMustSeeIt() {
        assertEquals(true, ok(Op.write(1, "k", "a", 0, 10), Op.read(2, "k", "a", 20, 30)));
        assertEquals(false, ok(Op.write(1, "k", "a", 0, 10), Op.read(2, "k", null, 20, 30)), "stale read");
    }

    @Test
    void aReadOverlappingAWriteMaySeeEitherValue() {
        assertEquals(true, ok(Op.write(1, "k", "a", 0, 100), Op.read(2, "k", null, 10, 20)));
        assertEquals(true, ok(Op.write(1, "k", "a", 0, 100), Op.read(2, "k", "a", 10, 20)));
        assertEquals(true, ok(Op.write(1, "k", "a", 0, 10), Op.read(2, "k", null, 10, 20)),
                "touching at one instant is overlapping: precedence needs a strictly earlier return");
        assertEquals(true, ok(Op.write(1, "k", "a", 5, 5), Op.read(2, "k", "a", 6, 7)), "an instantaneous operation");
    }

    @Test
    void readsMustNotSeeAValueGoBack() {
        // Both writes overlap; once one reader has seen b after a, a later reader cannot see a again.
        assertEquals(false, ok(
                Op.write(1, "k", "a", 0, 100), Op.write(2, "k", "b", 0, 100),
                Op.read(3, "k", "a", 10, 20), Op.read(3, "k", "b", 30, 40), Op.read(4, "k", "a", 50, 60)));
        assertEquals(true, ok(
                Op.write(1, "k", "a", 0, 100), Op.write(2, "k", "b", 0, 100),
                Op.read(3, "k", "a", 10, 20), Op.read(3, "k", "b", 30, 40), Op.read(4, "k", "b", 50, 60)));
    }

    @Test
    void aLostAcknowledgedWriteIsAViolation() {
        assertEquals(false, ok(
                Op.write(1, "k", "a", 0, 10), Op.write(2, "k", "b", 20, 30), Op.read(3, "k", "a", 40, 50)));
    }

    @Test
    void writesOfUnknownOutcomeMayTakeEffectLateOrNever() {
        Op maybe = Op.write(1, "k", "a", 0, 10).withUnknownOutcome();
        assertEquals(true, ok(maybe, Op.read(2, "k", null, 20, 30)), "never happened");
        assertEquals(true, ok(maybe, Op.read(2, "k", null, 20, 30), Op.read(2, "k", "a", 40, 50)), "happened late");
        assertEquals(false, ok(maybe, Op.read(2, "k", "a", 20, 30), Op.read(2, "k", null, 40, 50)),
                "but only once: the value cannot vanish again");
        assertEquals(false, ok(Op.write(1, "k", "a", 100, 110).withUnknownOutcome(), Op.read(2, "k", "a", 20, 30)),
                "not before it was invoked");
    }

    @Test
    void compareAndSwapAnswersMustFitTheValue() {
        assertEquals(true, ok(Op.write(1, "k", "a", 0, 10), Op.cas(2, "k", "a", "b", true, 20, 30), Op.read(3, "k", "b", 40, 50)));
        assertEquals(false, ok(Op.write(1, "k", "a", 0, 10), Op.cas(2, "k", "a", "b", false, 20, 30)),
                "a CAS that failed although the value matched");
        assertEquals(false, ok(Op.cas(1, "k", "a", "b", true, 0, 10)), "a CAS that succeeded on an absent key");
        // Two clients both win the same swap: impossible.
        assertEquals(false, ok(Op.write(1, "k", "0", 0, 10),
                Op.cas(2, "k", "0", "1", true, 20, 40), Op.cas(3, "k", "0", "1", true, 20, 40)));
        assertEquals(true, ok(Op.write(1, "k", "0", 0, 10),
                Op.cas(2, "k", "0", "1", true, 20, 40), Op.cas(3, "k", "0", "1", false, 20, 40)));
    }

    @Test
    void keysAreCheckedIndependentlyAndTheBadOneIsNamed() {
        Optional<String> bad = LinearizabilityChecker.firstViolation(List.of(
                Op.write(1, "good", "a", 0, 10), Op.read(2, "good", "a", 20, 30),
                Op.write(1, "bad", "a", 0, 10), Op.read(2, "bad", null, 20, 30)));
        assertEquals(Optional.of("bad"), bad);
    }

    @Test
    void concurrentRunsOfARealRegisterAreLinearizable() {
        for (long seed = 1; seed <= 50; seed++) {
            Random random = new Random(seed);
            List<Op> history = new ArrayList<>();
            String value = null;
            long t = 0;
            // Operations take effect at a point inside [invoke, return], which overlap at random.
            for (int i = 0; i < 60; i++) {
                long effect = t;
                long invoked = effect - random.nextInt(30);
                long returned = effect + random.nextInt(30);
                int p = random.nextInt(5);
                int dice = random.nextInt(3);
                String v = String.valueOf(random.nextInt(3));
                if (dice == 0) {
                    history.add(Op.read(p, "k", value, invoked, returned));
                } else if (dice == 1) {
                    value = v;
                    Op w = Op.write(p, "k", v, invoked, returned);
                    history.add(random.nextInt(10) == 0 ? w.withUnknownOutcome() : w);
                } else {
                    String expected = String.valueOf(random.nextInt(3));
                    boolean swapped = expected.equals(value);
                    if (swapped) {
                        value = v;
                    }
                    history.add(Op.cas(p, "k", expected, v, swapped, invoked, returned));
                }
                t += 1 + random.nextInt(10);
            }
            assertEquals(Optional.empty(), LinearizabilityChecker.firstViolation(history), "seed " + seed);
        }
    }
}
