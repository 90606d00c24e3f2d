package io.kvasir.raft.store.peer;

import io.kvasir.kvproto.Eraftpb.MessageType;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.RaftServerpb.RaftMessage;
import io.kvasir.raft.store.batch.BatchSystem;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One raft poller's handler (TiKV's {@code RaftPoller}): for a batch of peers it drains each
 * mailbox, then handles all their Readys in one {@link GroupCommit} (one synced write for the
 * batch), then carries out what the round left for the store: split pieces to open, merged
 * sources to close, removed peers to erase; status questions and barriers are answered last, so
 * they see the effect of everything handed in before them.
 */
final class RaftPoller implements BatchSystem.PollHandler<PeerFsm> {

    private static final Logger LOG = LoggerFactory.getLogger(RaftPoller.class);
    /** Most tasks taken from one mailbox per round, so a flood of proposals cannot starve the others. */
    private static final int MAX_TASKS_PER_ROUND = 4096;

    private final PeerDriver driver;
    private final GroupCommit groupCommit;
    private final List<PeerTask> answerLast = new ArrayList<>();
    private final List<RegionPeer> withReady = new ArrayList<>();

    RaftPoller(PeerDriver driver, GroupCommit groupCommit) {
        this.driver = driver;
        this.groupCommit = groupCommit;
    }

    @Override
    public void handle(List<PeerFsm> batch) {
        for (PeerFsm f : batch) {
            for (int i = 0; i < MAX_TASKS_PER_ROUND; i++) {
                PeerTask task = f.poll();
                if (task == null) {
                    break;
                }
                try {
                    handle(f, task);
                } catch (RuntimeException | Error e) {
                    LOG.error("region {}: {} failed", f.regionId(), task.getClass().getSimpleName(), e);
                    task.fail(e);
                }
            }
            RegionPeer p = f.peer();
            if (p.isLive() && p.hasReady()) {
                withReady.add(p);
            }
        }
        if (!withReady.isEmpty()) {
            groupCommit.run(withReady);
            withReady.clear();
        }
        for (PeerFsm f : batch) {
            try {
                afterRound(f);
            } catch (RuntimeException e) {
                LOG.error("region {}: after its round", f.regionId(), e);
            }
        }
        for (PeerTask t : answerLast) {
            answer(t);
        }
        answerLast.clear();
    }

    @Override
    public boolean hasMoreWork(PeerFsm f) {
        RegionPeer p = f.peer();
        return !f.isClosed() && p.isLive() && p.hasReady();
    }

    private void handle(PeerFsm f, PeerTask task) {
        RegionPeer p = f.peer();
        if (task instanceof PeerTask.Propose propose) {
            if (p.propose(propose.cmd(), propose.future())) {
                driver.proposed();
            }
        } else if (task instanceof PeerTask.Step step) {
            step(f, step.message());
        } else if (task instanceof PeerTask.Tick) {
            if (p.isLive()) {
                p.tick();
                if (p.merging() != null && p.mergeCheckDue()) {
                    driver.checkMerge(p);
                }
            }
        } else if (task instanceof PeerTask.Applied applied) {
            p.applied(applied.result());
        } else if (task instanceof PeerTask.ReadIndex read) {
            p.readIndex(read.future());
        } else if (task instanceof PeerTask.Delivery d) {
            if (p.isLive()) {
                if (d.snapshot()) {
                    p.reportSnapshot(d.peerId(), d.delivered());
                } else {
                    p.reportUnreachable(d.peerId());
                }
            }
        } else if (task instanceof PeerTask.Status || task instanceof PeerTask.Barrier) {
            answerLast.add(task);
        } else if (task instanceof PeerTask.Open open) {
            p.awaitOpen(open.future());
        } else if (task instanceof PeerTask.ApplyFailed failed) {
            driver.failPeer(p, failed.cause());
        } else if (task instanceof PeerTask.Run run) {
            run(f, run.what());
        } else if (task instanceof PeerTask.SplitPiece piece) {
            driver.takeSplitPiece(f, piece);
        } else if (task instanceof PeerTask.Close close) {
            driver.closeRegion(f, new PeerException.Closed(f.regionId(), "the peer"));
            close.future().complete(null);
        }
    }

    private void step(PeerFsm f, RaftMessage msg) {
        RegionPeer p = f.peer();
        if (!p.isLive()) {
            return;
        }
        if (msg.getIsTombstone()) {
            if (p.removedBy(msg)) {
                LOG.info("region {}: peer {} was removed from the region while this store did not hear of it",
                        f.regionId(), p.self().getId());
                driver.erase(f, new PeerException.Closed(f.regionId(), "the removed peer"));
            }
            return;
        }
        long to = msg.getToPeer().getId();
        if (to != p.self().getId()) {
            if (to > p.self().getId()) {
                // The region re-added this store with a new peer while ours missed its removal:
                // ours goes; the leader's next message creates the new one.
                LOG.info("region {}: peer {} is stale, peer {} replaces it", f.regionId(), p.self().getId(), to);
                driver.erase(f, new PeerException.Closed(f.regionId(), "the stale peer"));
            }
            return; // else for a peer this store had before; stale
        }
        if (msg.getMessage().getMsgType() == MessageType.MsgSnapshot && driver.snapshotOverlaps(msg)) {
            return;
        }
        if (p.answerIfSenderRemoved(msg)) {
            return;
        }
        p.step(msg);
    }

    private void run(PeerFsm f, PeerTask.Run.What what) {
        RegionPeer p = f.peer();
        switch (what) {
            case PREPARE_MERGE_FAILED -> p.prepareMergeFailed();
            case MERGED_AWAY -> driver.closeRegion(f, new PeerException.RegionNotFound(f.regionId()));
            case REPLACED_BY_TARGET_SNAPSHOT -> driver.erase(f, new PeerException.RegionNotFound(f.regionId()));
        }
    }

    /** What the round left: split pieces to open, merged sources to close, a removed peer to erase. */
    private void afterRound(PeerFsm f) {
        RegionPeer p = f.peer();
        if (!p.isLive() || f.isClosed()) {
            return;
        }
        for (List<Metapb.Region> pieces : p.takeSplits()) {
            driver.openSplitPieces(p, pieces);
        }
        for (Metapb.Region source : p.takeMergedSources()) {
            driver.mergedAway(source.getId());
        }
        if (p.isRemoved()) {
            driver.erase(f, new PeerException.Closed(f.regionId(), "the removed peer"));
        } else if (p.view() == null) {
            p.publish(); // a peer created by a message or a split is visible from its first round
        }
    }

    private void answer(PeerTask t) {
        if (t instanceof PeerTask.Barrier b) {
            b.future().complete(null);
        } else if (t instanceof PeerTask.Status s) {
            driver.answerStatus(s);
        }
    }
}
