package io.kvasir.raft.core;

import io.kvasir.kvproto.Eraftpb.Message;

/** The behaviour and state of one role; replaced whole on every role change (Kafka's {@code *State} classes). */
interface RoleState {

    StateRole role();

    /** One tick of the logical clock. */
    void tick();

    /** A message of the current term (or a local one) that the role handles. */
    void step(Message m);

    /** A proposal; returns null if it was appended or forwarded, else why it was dropped. */
    String propose(Message m);
}
