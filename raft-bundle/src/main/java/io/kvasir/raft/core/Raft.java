package io.kvasir.raft.core;

import com.google.protobuf.ByteString;
import io.kvasir.kvproto.Eraftpb.ConfChangeV2;
import io.kvasir.kvproto.Eraftpb.ConfState;
import io.kvasir.kvproto.Eraftpb.Entry;
import io.kvasir.kvproto.Eraftpb.EntryType;
import io.kvasir.kvproto.Eraftpb.HardState;
import io.kvasir.kvproto.Eraftpb.Message;
import io.kvasir.kvproto.Eraftpb.MessageType;
import io.kvasir.kvproto.Eraftpb.Snapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * One node's Raft state machine (etcd {@code raft.go}): the persistent state (term, vote, log),
 * the membership, the role, and the rules shared by all roles — term handling, voting, elections
 * and membership switches. Role-specific rules live in {@link FollowerState}, {@link CandidateState}
 * and {@link LeaderState}; this class is the one owner of role transitions (see {@link StateRole}).
 *
 * <p>Pure: it does no I/O, reads no clock and starts no thread. Input is {@link #tick()} and
 * {@link #step(Message)}; output accumulates in {@link #msgs} and {@link #readStates} and in the
 * log's unstable part, collected by {@link RawNode#ready()}.
 */
@PerformanceCriticalPath
final class Raft {

    /** "Nobody": no leader, no vote. Node ids are non-zero. */
    static final long NONE = 0;
    /** Context of vote requests sent because of a leadership transfer: they override leases (thesis §3.10). */
    static final ByteString CAMPAIGN_TRANSFER = ByteString.copyFromUtf8("CampaignTransfer");

    final long id;
    final RaftConfig cfg;
    final RaftLog raftLog;
    final ProgressTracker trk;

    long term;
    long vote;
    long lead = NONE;
    boolean isLearner;
    RoleState role;

    /** Ticks since the election timer was last reset (heard from the leader, granted a vote, changed role). */
    int electionElapsed;
    int randomizedElectionTimeout;
    /**
     * Ticks since this node last heard from a leader of its term, or since it restarted with a
     * persisted term (it may have acknowledged a leader before the crash). While it is below the
     * election timeout the node honours that leader's lease: it ignores vote requests (thesis §4.2.3).
     * Unlike {@link #electionElapsed} it is not reset by a term change, so a stale message carrying
     * a newer term cannot release the promise early.
     */
    int leaderContactElapsed;

    /** Messages to send once the state they depend on is persisted; see {@link Ready}. */
    final List<Message> msgs = new ArrayList<>();
    final List<ReadState> readStates = new ArrayList<>();

    Raft(RaftConfig cfg, LogStorage storage) {
        this.id = cfg.id();
        this.cfg = cfg;
        this.raftLog = new RaftLog(storage);
        this.trk = new ProgressTracker(cfg.maxInflightMsgs(), cfg.brokenRule());
        RaftState rs = storage.initialState();
        Changer.Result restored;
        try {
            restored = Changer.restore(rs.confState(), raftLog.lastIndex(), cfg.maxInflightMsgs());
        } catch (ConfChangeRefusedException e) {
            throw new IllegalStateException("persisted configuration " + Describe.confState(rs.confState())
                    + " is invalid: " + e.reason(), e);
        }
        trk.apply(restored);
        Progress self = trk.progress(id);
        isLearner = self != null && self.isLearner();
        HardState hs = rs.hardState();
        if (!hs.equals(HardState.getDefaultInstance())) {
            raftLog.loadCommit(hs.getCommit());
            term = hs.getTerm();
            vote = hs.getVote();
        }
        if (cfg.applied() > 0) {
            raftLog.appliedTo(cfg.applied());
        }
        // A node that ever had a term may have acknowledged a leader just before it crashed: keep that
        // leader's lease for one election timeout. A brand-new node promised nothing.
        leaderContactElapsed = term > 0 ? 0 : cfg.electionTick();
        becomeFollower(term, NONE);
    }

    // ---- role transitions: the one owner --------------------------------------------------------

    StateRole state() {
        return role.role();
    }

    private void transition(StateRole next) {
        if (role != null && !role.role().canBecome(next)) {
            throw new IllegalStateException("node " + id + ": invalid transition " + role.role() + " -> " + next
                    + " at term " + term);
        }
    }

    void becomeFollower(long newTerm, long leader) {
        transition(StateRole.FOLLOWER);
        reset(newTerm);
        lead = leader;
        role = new FollowerState(this);
    }

    void becomePreCandidate() {
        transition(StateRole.PRE_CANDIDATE);
        // Pre-vote changes neither term nor vote (thesis §9.6).
        trk.resetVotes();
        lead = NONE;
        leaderContactElapsed = cfg.electionTick();
        role = new CandidateState(this, true);
    }

    void becomeCandidate() {
        transition(StateRole.CANDIDATE);
        reset(term + 1);
        vote = id;
        leaderContactElapsed = cfg.electionTick();
        role = new CandidateState(this, false);
    }

    void becomeLeader() {
        transition(StateRole.LEADER);
        reset(term);
        lead = id;
        LeaderState leader = new LeaderState(this);
        role = leader;
        leader.start();
    }

    private void reset(long newTerm) {
        if (term != newTerm) {
            term = newTerm;
            vote = NONE;
        }
        lead = NONE;
        electionElapsed = 0;
        randomizedElectionTimeout = cfg.electionTick() + cfg.random().nextInt(cfg.electionTick());
        trk.resetVotes();
        long last = raftLog.lastIndex();
        trk.resetProgress(last, id);
    }

    // ---- input ----------------------------------------------------------------------------------

    void tick() {
        if (leaderContactElapsed < cfg.electionTick()) {
            leaderContactElapsed++;
        }
        role.tick();
    }

    /** The election timer of followers and candidates. */
    void tickElection() {
        electionElapsed++;
        int timeout = randomizedElectionTimeout + (isVoter() ? 0 : cfg.electionTick());
        if (electionElapsed >= timeout && promotable()) {
            electionElapsed = 0;
            hup(false);
        }
    }

    /** Heard from the leader of this term: reset the election timer and renew the lease promise. */
    void heardFromLeader(long leader) {
        electionElapsed = 0;
        leaderContactElapsed = 0;
        lead = leader;
    }

    /**
     * Steps a validated message (from the network, see {@link MessageValidator}) or a local one
     * (term 0). Handles terms first (thesis §3.3, with etcd's pre-vote and check-quorum twists),
     * then votes, then hands the rest to the role.
     */
    void step(Message m) {
        if (m.getTerm() > term) {
            if (!stepHigherTerm(m)) {
                return;
            }
        } else if (m.getTerm() < term && m.getTerm() != 0) {
            stepLowerTerm(m);
            return;
        }
        switch (m.getMsgType()) {
            case MsgHup -> hup(false);
            case MsgRequestVote, MsgRequestPreVote -> handleVoteRequest(m);
            case MsgPropose -> role.propose(m);
            default -> role.step(m);
        }
    }

    /** Returns whether to go on processing {@code m}. */
    private boolean stepHigherTerm(Message m) {
        MessageType type = m.getMsgType();
        if (role instanceof LeaderState leader) {
            leader.lease().voidLease(); // any sign of a newer term ends the lease (thesis §6.4.1)
        }
        if (type == MessageType.MsgRequestVote || type == MessageType.MsgRequestPreVote) {
            boolean force = CAMPAIGN_TRANSFER.equals(m.getContext());
            if (!force && inLease()) {
                // Thesis §4.2.3: a node that heard from a leader within the minimum election timeout
                // ignores vote requests; this is what makes leader leases and removed servers safe.
                return false;
            }
        }
        if (type == MessageType.MsgRequestPreVote) {
            return true; // a pre-vote never changes our term
        }
        if (type == MessageType.MsgRequestPreVoteResponse && !m.getReject()) {
            return true; // our own pre-vote was granted: the term rises when we campaign for real
        }
        boolean fromLeader = type == MessageType.MsgAppend || type == MessageType.MsgHeartbeat
                || type == MessageType.MsgSnapshot;
        int elapsed = electionElapsed;
        becomeFollower(m.getTerm(), fromLeader ? m.getFrom() : NONE);
        if (!fromLeader) {
            // Thesis figure 3.1: only the leader's messages and granted votes reset the election
            // timer. etcd also resets it on a mere term change, which lets a string of hopeless
            // candidates (pre-vote off) keep the node with the longest log from ever campaigning.
            electionElapsed = elapsed;
        }
        return true;
    }

    private void stepLowerTerm(Message m) {
        MessageType type = m.getMsgType();
        if ((cfg.checkQuorum() || cfg.preVote())
                && (type == MessageType.MsgHeartbeat || type == MessageType.MsgAppend)) {
            // A stale leader, perhaps cut off by a partition: tell it our term so it steps down. Without
            // this, with pre-vote on, a node whose term was raised could never rejoin (etcd #5451).
            send(Message.newBuilder().setMsgType(MessageType.MsgAppendResponse).setTo(m.getFrom()));
        } else if (type == MessageType.MsgRequestPreVote || type == MessageType.MsgRequestVote) {
            // Reject with our term (thesis figure 3.1), so that a candidate that fell behind in terms
            // catches up; otherwise it keeps campaigning in terms nobody answers while a stale node
            // inflates the others' terms (etcd ignores a stale MsgVote; we answer it).
            MessageType resp = type == MessageType.MsgRequestVote
                    ? MessageType.MsgRequestVoteResponse : MessageType.MsgRequestPreVoteResponse;
            send(Message.newBuilder().setMsgType(resp).setTo(m.getFrom()).setTerm(term).setReject(true));
        }
        // Anything else from an older term is ignored.
    }

    /** Whether this node honours a leader's lease now and must ignore vote requests. */
    private boolean inLease() {
        if (!cfg.checkQuorum()) {
            return false;
        }
        if (state() == StateRole.LEADER) {
            return true;
        }
        return leaderContactElapsed < cfg.electionTick();
    }

    private void handleVoteRequest(Message m) {
        boolean pre = m.getMsgType() == MessageType.MsgRequestPreVote;
        MessageType respType = pre ? MessageType.MsgRequestPreVoteResponse : MessageType.MsgRequestVoteResponse;
        // A vote may be repeated to the same candidate; a new one needs no vote cast and no known leader
        // this term; a pre-vote for a later term does not bind us.
        boolean canVote = vote == m.getFrom() || (vote == NONE && lead == NONE) || (pre && m.getTerm() > term);
        boolean upToDate = cfg.brokenRule() == BrokenRule.VOTE_WITHOUT_LOG_CHECK
                || raftLog.isUpToDate(m.getIndex(), m.getLogTerm());
        if (canVote && upToDate) {
            // The response carries the candidate's term: a granted pre-vote is for the term it will campaign in.
            send(Message.newBuilder().setMsgType(respType).setTo(m.getFrom()).setTerm(m.getTerm()));
            if (!pre) {
                electionElapsed = 0;
                vote = m.getFrom();
            }
        } else {
            send(Message.newBuilder().setMsgType(respType).setTo(m.getFrom()).setTerm(term).setReject(true));
        }
    }

    // ---- elections --------------------------------------------------------------------------------

    /**
     * Whether this node may campaign: it knows a configuration with voters and is not waiting for a
     * snapshot to be persisted. Not only voters may: a node the configuration removed or demoted
     * may hold the longest log while the remaining voters do not know the change is committed (it
     * takes effect on apply). They cannot elect each other then (it refuses them its vote, its log
     * being ahead) and it must step in: it needs the votes of a majority of its configuration like
     * anyone, and a leader that is no voter only hands over ({@link LeaderState#onConfigChanged}).
     * Non-voters wait twice as long before campaigning, so they step in only when the voters could
     * not elect anyone; with pre-vote and check-quorum they cannot disrupt a healthy group.
     */
    boolean promotable() {
        return !trk.config().voters().incoming().isEmpty() && !raftLog.hasPendingSnapshot();
    }

    /** Whether this node is a voter of its configuration (incoming or outgoing half). */
    boolean isVoter() {
        Progress pr = trk.progress(id);
        return pr != null && !pr.isLearner();
    }

    /**
     * Starts an election if allowed. {@code transfer}: ordered by the leader (TimeoutNow), so it skips
     * pre-vote and overrides leases.
     */
    void hup(boolean transfer) {
        if (state() == StateRole.LEADER || !promotable()) {
            return;
        }
        if (hasUnappliedConfChange()) {
            // Campaigning under a configuration about to change could elect a leader the new one would not.
            return;
        }
        if (cfg.preVote() && !transfer) {
            campaign(true, false);
        } else {
            campaign(false, transfer);
        }
    }

    private boolean hasUnappliedConfChange() {
        long lo = raftLog.applied() + 1;
        long hi = raftLog.committed() + 1;
        while (lo < hi) {
            List<Entry> page = raftLog.slice(Math.max(lo, raftLog.firstIndex()), hi, cfg.maxSizePerMsg());
            if (page.isEmpty()) {
                return false;
            }
            for (Entry e : page) {
                if (e.getEntryType() != EntryType.EntryNormal) {
                    return true;
                }
            }
            lo = page.get(page.size() - 1).getIndex() + 1;
        }
        return false;
    }

    void campaign(boolean pre, boolean transfer) {
        if (!promotable()) {
            return;
        }
        MessageType voteMsg;
        long voteTerm;
        if (pre) {
            becomePreCandidate();
            voteMsg = MessageType.MsgRequestPreVote;
            voteTerm = term + 1; // the term we would campaign in; ours does not change yet
        } else {
            becomeCandidate();
            voteMsg = MessageType.MsgRequestVote;
            voteTerm = term;
        }
        if (poll(id, true) == VoteResult.WON) {
            // Only possible as the single voter.
            if (pre) {
                campaign(false, transfer);
            } else {
                becomeLeader();
            }
            return;
        }
        long lastIndex = raftLog.lastIndex();
        long lastTerm = raftLog.lastTerm();
        for (long voter : trk.config().voters().ids()) {
            if (voter == id) {
                continue;
            }
            Message.Builder m = Message.newBuilder().setMsgType(voteMsg).setTo(voter).setTerm(voteTerm)
                    .setIndex(lastIndex).setLogTerm(lastTerm);
            if (transfer) {
                m.setContext(CAMPAIGN_TRANSFER);
            }
            send(m);
        }
    }

    VoteResult poll(long from, boolean granted) {
        trk.recordVote(from, granted);
        return trk.tallyVotes();
    }

    // ---- output -------------------------------------------------------------------------------------

    /**
     * Queues a message. Vote messages carry their term already; forwarded proposals and read
     * requests carry none (they are not bound to a term); every other message gets ours.
     */
    void send(Message.Builder m) {
        if (m.getFrom() == NONE) {
            m.setFrom(id);
        }
        MessageType type = m.getMsgType();
        boolean vote = type == MessageType.MsgRequestVote || type == MessageType.MsgRequestVoteResponse
                || type == MessageType.MsgRequestPreVote || type == MessageType.MsgRequestPreVoteResponse;
        if (vote) {
            if (m.getTerm() == 0) {
                throw new IllegalStateException("node " + id + ": term must be set when sending " + type);
            }
        } else if (type != MessageType.MsgPropose && type != MessageType.MsgReadIndex) {
            m.setTerm(term);
        }
        if (m.getTo() == id) {
            throw new IllegalStateException("node " + id + ": message to self: " + type);
        }
        msgs.add(m.build());
    }

    SoftState softState() {
        return new SoftState(lead, state());
    }

    HardState hardState() {
        return HardState.newBuilder().setTerm(term).setVote(vote).setCommit(raftLog.committed()).build();
    }

    // ---- membership ---------------------------------------------------------------------------------

    /**
     * Applies a committed membership change (the application calls this when it applies the entry;
     * changes take effect on apply, as in etcd and TiKV). Refused changes change nothing.
     */
    ConfState applyConfChange(ConfChangeV2 cc) {
        Changer changer = new Changer(trk.config(), trk.progress(), raftLog.lastIndex(), cfg.maxInflightMsgs());
        Changer.Result result;
        if (ConfChanges.leavesJoint(cc)) {
            result = changer.leaveJoint();
        } else if (ConfChanges.entersJoint(cc)) {
            result = changer.enterJoint(ConfChanges.autoLeave(cc), cc.getChangesList());
        } else {
            result = changer.simple(cc.getChangesList());
        }
        return switchToConfig(result);
    }

    ConfState switchToConfig(Changer.Result result) {
        trk.apply(result);
        Progress self = trk.progress(id);
        isLearner = self != null && self.isLearner();
        ConfState cs = trk.config().toConfState();
        if (role instanceof LeaderState leader) {
            leader.onConfigChanged();
        }
        return cs;
    }

    /**
     * Restores from a snapshot sent by the leader. Returns whether the log was replaced (false: the
     * snapshot is old or invalid, or our log already matches it, in which case only the commit
     * index moves).
     *
     * <p>Unlike etcd, a snapshot whose configuration does not include this node is accepted: a node
     * removed and added again may need a snapshot taken while it was out, and the entries after the
     * snapshot add it back. Until then it follows as a non-voter.
     */
    boolean restore(Snapshot s) {
        long index = s.getMetadata().getIndex();
        long snapTerm = s.getMetadata().getTerm();
        if (index <= raftLog.committed()) {
            return false;
        }
        ConfState cs = s.getMetadata().getConfState();
        if (raftLog.matchTerm(index, snapTerm)) {
            raftLog.commitTo(index); // fast-forward: our log already holds it
            return false;
        }
        Changer.Result restored;
        try {
            restored = Changer.restore(cs, index, cfg.maxInflightMsgs());
        } catch (ConfChangeRefusedException e) {
            return false; // only a faulty peer sends an invalid configuration
        }
        raftLog.restore(s);
        switchToConfig(restored);
        return true;
    }

    void appliedTo(long index) {
        long newApplied = Math.max(index, raftLog.applied());
        raftLog.appliedTo(newApplied);
        if (role instanceof LeaderState leader) {
            leader.maybeAutoLeave();
        }
    }

    void reduceUncommittedSize(List<Entry> committed) {
        if (role instanceof LeaderState leader) {
            leader.reduceUncommittedSize(committed);
        }
    }

    @Override
    public String toString() {
        return "node " + id + " " + state() + " term=" + term + " vote=" + vote + " lead=" + lead + " " + raftLog
                + " config " + trk.config();
    }
}
