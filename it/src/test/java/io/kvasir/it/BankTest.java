package io.kvasir.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.it.bank.BalanceRead;
import io.kvasir.it.bank.BankChecker;
import io.kvasir.it.bank.BankClient;
import io.kvasir.it.bank.BankHistory;
import io.kvasir.it.bank.BankWorkload;
import io.kvasir.it.bank.Transfer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jepsen's bank test on the 3-store playground, one process per store: transfers between
 * {@value #ACCOUNTS} accounts through tikv-client-java's transactions, and snapshot reads of all
 * balances, while one store at a time is killed with SIGKILL at a random moment and restarted on
 * its data, and every store drops a share of its outgoing Raft messages
 * ({@code server.raft-message-drop-ratio}). Some transfer clients "die" halfway, leaving locks for
 * readers to resolve. {@link BankChecker} then checks the history: the same total in every read,
 * every acknowledged transfer visible (each writes a marker key), final balances matching exactly
 * the committed transfers, and no lost update or long fork (each account carries a version).
 *
 * <p>The short version runs in the build (40 s of faults). The long one is {@code mvn -B verify
 * -pl it -am -Dtest=BankTest -Dsurefire.failIfNoSpecifiedTests=false -Dkvasir.bank.seconds=600}.
 * A run prints its seed; {@code -Dkvasir.bank.seed=N} replays its fault schedule, its clients' choices and its
 * message drops ({@code -Dkvasir.bank.drop-ratio} sets the drop ratio, default 0.05). A failing
 * run writes its history and the nodes' logs to {@code target/bank-<seed>/}.
 */
class BankTest {
    static final int ACCOUNTS = 10;
    static final long INITIAL_BALANCE = 100;
    static final int TRANSFER_THREADS = 4;
    static final int READER_THREADS = 2;
    /** Fewer acknowledged transfers than this and the run proves nothing. */
    static final int MIN_ACKNOWLEDGED = 20;

    @TempDir
    Path data;

    @Test
    void transfersKeepTheBankConsistentWhileStoresDieAndMessagesAreLost() throws Exception {
        long seconds = Long.getLong("kvasir.bank.seconds", 40);
        long seed = Long.getLong("kvasir.bank.seed", System.nanoTime());
        double dropRatio = Double.parseDouble(System.getProperty("kvasir.bank.drop-ratio", "0.05"));
        System.out.println("BankTest seed " + seed + " (replay with -Dkvasir.bank.seed=" + seed + "), "
                + seconds + " s of faults, drop ratio " + dropRatio);
        Random random = new Random(seed);
        String jvmOptions = ReplicatedFaultTest.FAST_RAFT + " -Dserver.raft-message-drop-ratio=" + dropRatio
                + " -Dserver.raft-message-drop-seed=" + random.nextLong();
        try (Playground playground = Playground.startWithJvmOptions(jvmOptions, data, "--stores", "3");
             StoreKiller killer = new StoreKiller(playground, data, random, jvmOptions, "BankTest");
             BankClient client = new BankClient(playground.pdAddress(), ACCOUNTS)) {
            ReplicatedFaultTest.awaitThreeVoters(playground.pdAddress());
            client.open(INITIAL_BALANCE);
            BankWorkload workload = new BankWorkload(client, ACCOUNTS);
            workload.start(TRANSFER_THREADS, READER_THREADS, new Random(random.nextLong()));
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < end) {
                killer.killOneAndRestart();
            }
            // Long enough for a transfer that started just now to spend all its budgets.
            workload.stop(120_000);

            // With the cluster whole again: the final state, locks left behind resolved on the way.
            BalanceRead finalRead = retry("the final read", client::readAll);
            Map<String, String> markers = retry("the scan of the markers", client::markers);
            BankHistory history = new BankHistory(ACCOUNTS, INITIAL_BALANCE, workload.transfers(), workload.reads(),
                    finalRead, markers);
            List<String> violations = BankChecker.violations(history);

            long acknowledged = workload.count(Transfer.Outcome.ACKNOWLEDGED);
            System.out.println("BankTest: " + workload.transfers().size() + " transfers, " + acknowledged
                    + " acknowledged, " + workload.count(Transfer.Outcome.UNKNOWN) + " unknown, "
                    + workload.count(Transfer.Outcome.FAILED) + " failed; " + markers.size() + " committed; "
                    + workload.reads().size() + " reads (" + workload.failedReads() + " failed); "
                    + killer.kills() + " stores killed; final " + finalRead);
            System.out.println("BankTest: why transfers failed or ended unknown: " + client.failureReasons());
            List<String> problems = new ArrayList<>(violations);
            workload.incompleteReads().forEach(r -> problems.add("incomplete read: " + r));
            workload.crashes().forEach(e -> problems.add("client thread crashed: " + e));
            if (!problems.isEmpty()) {
                Path dir = Path.of("target", "bank-" + seed).toAbsolutePath();
                saveHistory(dir, history, problems);
                killer.saveLogs(dir);
                System.out.println("BankTest: history and logs in " + dir);
            }
            assertEquals(List.of(), problems, "the bank's history breaks snapshot isolation (seed " + seed + ")");
            assertTrue(acknowledged >= MIN_ACKNOWLEDGED, "only " + acknowledged
                    + " transfers were acknowledged under faults: too few to prove anything (seed " + seed + ")");
        }
    }

    /** Retries an end-of-run read for a minute: the last restarted store may still be catching up. */
    private static <T> T retry(String what, Supplier<T> read) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                return read.get();
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(what + " kept failing", e);
                }
                Thread.sleep(500);
            }
        }
    }

    private static void saveHistory(Path dir, BankHistory history, List<String> problems) throws java.io.IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve("violations.txt"), problems);
        Files.write(dir.resolve("transfers.txt"), history.transfers().stream().map(Transfer::toString).toList());
        List<String> reads = new ArrayList<>();
        history.reads().forEach(r -> reads.add(r.toString()));
        reads.add("final " + history.finalRead());
        Files.write(dir.resolve("reads.txt"), reads);
        Files.write(dir.resolve("markers.txt"), history.markers().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).toList());
    }
}
