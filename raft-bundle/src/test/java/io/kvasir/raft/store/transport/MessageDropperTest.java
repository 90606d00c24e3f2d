package io.kvasir.raft.store.transport;

import static io.kvasir.raft.store.transport.TransportFixtures.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MessageDropperTest {

    private static List<Boolean> decisions(MessageDropper dropper, int n) {
        List<Boolean> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(dropper.dropNext());
        }
        return out;
    }

    @Test
    void aMessageIsDroppedWhenTheSeededDrawFallsUnderTheRatio() {
        Random reference = new Random(1234);
        List<Boolean> expected = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            expected.add(reference.nextDouble() < 0.2);
        }
        assertEquals(expected, decisions(new MessageDropper(0.2, new Random(1234)), 1_000));
    }

    @Test
    void theSameSeedReplaysTheSameDropsAndAnotherDoesNot() {
        List<Boolean> first = decisions(new MessageDropper(0.1, new Random(99)), 500);
        assertEquals(first, decisions(new MessageDropper(0.1, new Random(99)), 500));
        assertFalse(first.equals(decisions(new MessageDropper(0.1, new Random(100)), 500)));
    }

    @Test
    void aboutTheRatioOfMessagesIsDropped() {
        int n = 100_000;
        long dropped = decisions(new MessageDropper(0.07, new Random(5)), n).stream().filter(d -> d).count();
        // Binomial: the standard deviation is about 81 messages; allow six of them.
        assertTrue(Math.abs(dropped - 0.07 * n) < 500, "dropped " + dropped + " of " + n);
    }

    @Test
    void atRatioZeroNothingIsDroppedAndNoRandomIsDrawn() {
        Random untouchable = new Random() {
            @Override
            protected int next(int bits) {
                throw new AssertionError("drew a random number with drops off");
            }
        };
        MessageDropper off = new MessageDropper(0, untouchable);
        assertEquals(0, decisions(off, 1_000).stream().filter(d -> d).count());
        assertEquals(0, decisions(MessageDropper.NEVER, 1_000).stream().filter(d -> d).count());
    }

    @Test
    void fromSettingsUsesTheConfiguredSeedAndAsksForAFreshOneOnlyWithout() {
        AtomicInteger freshSeedsAsked = new AtomicInteger();
        assertSame(MessageDropper.NEVER, MessageDropper.from(settings().build(), () -> {
            freshSeedsAsked.incrementAndGet();
            return 1;
        }), "off by default");
        assertEquals(0, freshSeedsAsked.get(), "no seed is needed with drops off");

        MessageDropper seeded = MessageDropper.from(settings().dropMessages(0.3, 77).build(), () -> {
            throw new AssertionError("a seed was configured");
        });
        assertEquals(decisions(new MessageDropper(0.3, new Random(77)), 200), decisions(seeded, 200));

        MessageDropper fresh = MessageDropper.from(settings().set("raft-message-drop-ratio", 0.3).build(), () -> {
            freshSeedsAsked.incrementAndGet();
            return 78;
        });
        assertEquals(1, freshSeedsAsked.get());
        assertEquals(decisions(new MessageDropper(0.3, new Random(78)), 200), decisions(fresh, 200));
    }

    @Test
    void aRatioOutsideZeroToBelowOneIsRefused() {
        for (double bad : new double[] {-0.1, 1.0, 2.0, Double.NaN}) {
            assertThrows(IllegalArgumentException.class, () -> new MessageDropper(bad, new Random(1)), "ratio " + bad);
        }
        assertThrows(IllegalArgumentException.class, () -> new MessageDropper(0.5, null));
    }
}
