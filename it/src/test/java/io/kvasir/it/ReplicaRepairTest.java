package io.kvasir.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.kvasir.kvproto.Metapb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PD repairs a region that lost a replica for good: with four stores and three replicas, one
 * store holding a replica is killed and never comes back; once it has been down longer than
 * {@code pd.max-store-down-time}, PD has its replica replaced on the fourth store (learner,
 * snapshot, joint promotion and demotion, removal), and the data written before and after is
 * all there.
 */
class ReplicaRepairTest {

    static final String FAST = ReplicatedFaultTest.FAST_RAFT + " -Dpd.max-store-down-time=8s";

    @TempDir
    Path data;

    @Test
    void aStoreDownPastTheDownTimeHasItsReplicasReplaced() throws Exception {
        try (Playground playground = Playground.startWithJvmOptions(FAST, data, "--stores", "4");
             ExactRawClient client = new ExactRawClient(playground.pdAddress())) {
            ReplicatedFaultTest.awaitThreeVoters(playground.pdAddress());
            client.put("before", "1");
            Metapb.Region region = PdRegions.first(playground.pdAddress()).getRegion();
            long victim = region.getPeersList().stream().filter(p -> p.getStoreId() != PdRegions.first(playground.pdAddress()).getLeader().getStoreId())
                    .findFirst().orElseThrow().getStoreId();
            ProcessHandle process = storeProcess(playground, data, PdRegions.store(playground.pdAddress(), victim).getAddress());
            process.destroyForcibly();
            process.onExit().get(30, TimeUnit.SECONDS);
            client.put("during", "2");

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            Metapb.Region repaired = null;
            while (System.nanoTime() < deadline) {
                repaired = PdRegions.first(playground.pdAddress()).getRegion();
                boolean victimGone = repaired.getPeersList().stream().noneMatch(p -> p.getStoreId() == victim);
                long voters = repaired.getPeersList().stream().filter(p -> p.getRole() == Metapb.PeerRole.Voter).count();
                if (victimGone && voters == 3) {
                    break;
                }
                Thread.sleep(500);
            }
            assertFalse(repaired.getPeersList().stream().anyMatch(p -> p.getStoreId() == victim),
                    "the dead store still holds a replica: " + repaired);
            assertEquals(3, repaired.getPeersList().stream().filter(p -> p.getRole() == Metapb.PeerRole.Voter).count(),
                    repaired.toString());
            assertEquals(Optional.of("1"), client.get("before"));
            assertEquals(Optional.of("2"), client.get("during"));
            client.put("after", "3");
            assertEquals(Optional.of("3"), client.get("after"));
        }
    }

    /** The playground's node process whose config listens on {@code address}. */
    private static ProcessHandle storeProcess(Playground playground, Path data, String address) throws Exception {
        for (int i = 1; i <= 4; i++) {
            Path conf = data.resolve("store-" + i).resolve("node.conf");
            if (Files.readString(conf).contains("\"" + address + "\"")) {
                String marker = "store-" + i;
                for (ProcessHandle p : playground.nodes()) {
                    if (p.info().arguments().map(a -> String.join(" ", a).contains(marker)).orElse(false)) {
                        return p;
                    }
                }
            }
        }
        throw new AssertionError("no store process serves " + address);
    }
}
