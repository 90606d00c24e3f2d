package io.kvasir.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The config's documented defaults and its validation. */
class RaftConfigTest {

    @Test
    void defaults() {
        RaftConfig c = RaftConfig.builder(7).build();
        assertEquals(7, c.id());
        assertEquals(10, c.electionTick());
        assertEquals(2, c.heartbeatTick());
        assertEquals(256, c.maxInflightMsgs());
        assertEquals(1 << 20, c.maxSizePerMsg());
        assertEquals(Long.MAX_VALUE, c.maxUncommittedSize());
        assertTrue(c.preVote());
        assertTrue(c.checkQuorum());
        assertEquals(1, c.leaseClockDriftMarginTicks());
        assertEquals(ReadOnlyOption.SAFE, c.readOnlyOption());
        assertEquals(FollowerProposals.FORWARD, c.followerProposals());
        assertEquals(0, c.applied());
    }

    @Test
    void invalidValuesAreNamed() {
        assertMessage("id must not be 0 (0 means no node)", RaftConfig.builder(0));
        assertMessage("electionTick (2) must be greater than heartbeatTick (2)", RaftConfig.builder(1).electionTick(2));
        assertMessage("heartbeatTick must be positive, was 0", RaftConfig.builder(1).heartbeatTick(0));
        assertMessage("maxInflightMsgs must be positive, was 0", RaftConfig.builder(1).maxInflightMsgs(0));
        assertMessage("leaseClockDriftMarginTicks must be in [0, electionTick=10), was 10",
                RaftConfig.builder(1).leaseClockDriftMarginTicks(10));
    }

    @Test
    void toBuilderKeepsEverything() {
        RaftConfig c = RaftConfig.builder(3).electionTick(20).preVote(false).readOnlyOption(ReadOnlyOption.LEASE_BASED)
                .build();
        assertEquals(c.toString(), c.toBuilder().build().toString());
    }

    private static void assertMessage(String message, RaftConfig.Builder b) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, b::build).getMessage());
    }
}
