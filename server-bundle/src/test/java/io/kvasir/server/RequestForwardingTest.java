package io.kvasir.server;

import static io.kvasir.server.Harness.CONTEXT;
import static io.kvasir.server.Harness.bs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.kvasir.kvproto.Kvrpcpb;
import io.kvasir.kvproto.TikvGrpc;
import io.kvasir.kvproto.Tikvpb.BatchCommandsRequest;
import io.kvasir.kvproto.Tikvpb.BatchCommandsResponse;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Calls carrying {@code tikv-forwarded-host} are proxied to the store it names, as
 * tikv-client-java expects when it routes around a leader it cannot reach. Two stores over fake
 * storages: {@code proxy} receives the calls, {@code target} holds the data; both forward, so a
 * header that survived the hop would loop.
 */
class RequestForwardingTest {
    private Harness target;
    private Harness proxy;

    @BeforeEach
    void start() throws Exception {
        target = Harness.builder().forwarding(null).start();
        proxy = Harness.builder().forwarding("127.0.0.1:1").start();
        target.seed("k", "from-target");
        proxy.seed("k", "from-proxy");
    }

    @AfterEach
    void stop() {
        proxy.close();
        target.close();
    }

    private TikvGrpc.TikvBlockingStub viaProxyTo(String forwardedHost) {
        Metadata headers = new Metadata();
        headers.put(RequestForwarding.FORWARDED_HOST, forwardedHost);
        return proxy.blocking().withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    private static Kvrpcpb.RawGetRequest get(String key) {
        return Kvrpcpb.RawGetRequest.newBuilder().setContext(CONTEXT).setKey(bs(key)).build();
    }

    private static long gets(FakeRawStorage storage) {
        return storage.calls().stream().filter(c -> c.method().equals("get")).count();
    }

    @Test
    void aForwardedCallIsServedByTheNamedStoreOnly() {
        Kvrpcpb.RawGetResponse answer = viaProxyTo(target.address()).rawGet(get("k"));

        assertEquals("from-target", answer.getValue().toStringUtf8());
        assertEquals(1, gets(target.storage));
        assertEquals(0, gets(proxy.storage), "the proxy's own storage must not see a forwarded call");
    }

    @Test
    void aCallWithoutTheHeaderOrNamingThisStoreIsServedHere() {
        assertEquals("from-proxy", proxy.blocking().rawGet(get("k")).getValue().toStringUtf8());
        assertEquals("from-proxy", viaProxyTo("127.0.0.1:1").rawGet(get("k")).getValue().toStringUtf8());
        assertEquals("from-proxy", viaProxyTo("").rawGet(get("k")).getValue().toStringUtf8());
        assertEquals(0, gets(target.storage));
    }

    @Test
    void writesAndTheirRefusalsComeBackAsTheTargetAnswers() {
        Kvrpcpb.RawPutResponse put = viaProxyTo(target.address()).rawPut(Kvrpcpb.RawPutRequest.newBuilder()
                .setContext(CONTEXT).setKey(bs("w")).setValue(bs("1")).build());
        assertEquals("", put.getError());
        assertTrue(target.storage.peek("w").isPresent());
        assertTrue(proxy.storage.peek("w").isEmpty());

        target.storage.failNext(new IllegalStateException("disk on fire"));
        Kvrpcpb.RawGetResponse failed = viaProxyTo(target.address()).rawGet(get("k"));
        assertTrue(failed.getError().contains("disk on fire"), failed.toString());
    }

    @Test
    void anUnreachableTargetAnswersUnavailableSoTheClientTriesAnotherRoute() throws Exception {
        String nobody;
        try (ServerSocket socket = new ServerSocket(0)) {
            nobody = "127.0.0.1:" + socket.getLocalPort();
        }
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> viaProxyTo(nobody).rawGet(get("k")));

        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
        assertEquals(0, gets(proxy.storage));
    }

    @Test
    void theCallersDeadlineBoundsTheForwardedCall() {
        target.storage.hold();
        try {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> viaProxyTo(target.address()).withDeadlineAfter(300, TimeUnit.MILLISECONDS).rawGet(get("k")));
            assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
            Await.until(() -> target.storage.heldCount() == 1, () -> "the call reached the target and is held there");
        } finally {
            target.storage.releaseAll();
        }
    }

    @Test
    void aBatchCommandsStreamIsProxiedMessageByMessage() throws Exception {
        Metadata headers = new Metadata();
        headers.put(RequestForwarding.FORWARDED_HOST, target.address());
        List<BatchCommandsResponse> answers = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        StreamObserver<BatchCommandsRequest> requests = proxy.async()
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .batchCommands(new StreamObserver<>() {
                    @Override
                    public void onNext(BatchCommandsResponse value) {
                        synchronized (answers) {
                            answers.add(value);
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.countDown();
                    }

                    @Override
                    public void onCompleted() {
                        done.countDown();
                    }
                });
        for (long id = 1; id <= 3; id++) {
            requests.onNext(BatchCommandsRequest.newBuilder().addRequestIds(id)
                    .addRequests(BatchCommandsRequest.Request.newBuilder().setRawGet(get("k"))).build());
        }
        requests.onCompleted();
        assertTrue(done.await(10, TimeUnit.SECONDS), "the stream ends");

        List<String> values = new ArrayList<>();
        synchronized (answers) {
            answers.forEach(a -> a.getResponsesList().forEach(r -> values.add(r.getRawGet().getValue().toStringUtf8())));
        }
        assertEquals(List.of("from-target", "from-target", "from-target"), values);
        assertEquals(3, gets(target.storage));
        assertEquals(0, gets(proxy.storage));
    }
}
