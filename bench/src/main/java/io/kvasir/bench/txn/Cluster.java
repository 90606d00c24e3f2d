package io.kvasir.bench.txn;

import io.grpc.StatusRuntimeException;

/**
 * The driver's own connections to a cluster: PD (routing and timestamps) and the stores
 * (Percolator commands over kvproto). Opening waits for PD to answer, as a cluster that has just
 * started may not yet.
 */
final class Cluster implements AutoCloseable {

    final PdConnection pd;
    final Router router;
    final PdTso tso;
    final PercolatorRpc rpc;

    private Cluster(PdConnection pd, long rpcMillis, long deadlineMillis) {
        this.pd = pd;
        this.router = new Router(pd);
        this.tso = new PdTso(pd);
        this.rpc = new PercolatorRpc(new RegionCalls(router, rpcMillis, deadlineMillis));
    }

    /**
     * @param rpcMillis      gRPC deadline of one store request
     * @param deadlineMillis how long one command may retry region errors and timeouts
     */
    static Cluster open(String pdAddress, long rpcMillis, long deadlineMillis, long connectMillis) {
        long deadline = System.nanoTime() + connectMillis * 1_000_000;
        while (true) {
            try {
                return new Cluster(new PdConnection(pdAddress), rpcMillis, deadlineMillis);
            } catch (StatusRuntimeException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("PD at " + pdAddress + " did not answer within " + connectMillis
                            + " ms: " + e.getStatus(), e);
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", ie);
                }
            }
        }
    }

    @Override
    public void close() {
        tso.close();
        router.close();
        pd.close();
    }
}
