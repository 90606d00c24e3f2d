package io.kvasir.server;

import static io.kvasir.server.Harness.CONTEXT;
import static io.kvasir.server.Harness.bs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.kvasir.kvproto.Kvrpcpb;
import io.kvasir.kvproto.Metapb;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the facade must do on the wire: large messages, forwarded requests, unimplemented methods. */
class TransportTest {
    private Harness h;

    @BeforeEach
    void start() throws Exception {
        h = Harness.builder().start();
    }

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    @Test
    void aTwentyMibRequestAndResponsePassWhenTheServerAllowsThem() {
        byte[] big = new byte[20 << 20];
        new Random(42).nextBytes(big);
        Kvrpcpb.RawPutResponse put = h.blocking().rawPut(Kvrpcpb.RawPutRequest.newBuilder().setContext(CONTEXT)
                .setKey(bs("big")).setValue(ByteString.copyFrom(big)).build());
        assertEquals("", put.getError());
        Kvrpcpb.RawGetResponse got = h.blocking().rawGet(Kvrpcpb.RawGetRequest.newBuilder().setContext(CONTEXT)
                .setKey(bs("big")).build());
        assertArrayEquals(big, got.getValue().toByteArray());
    }

    @Test
    void aForwardedRequestIsServedAsIfSentHere() {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("tikv-forwarded-host", Metadata.ASCII_STRING_MARSHALLER), "10.0.0.9:20160");
        Kvrpcpb.Context otherStore = CONTEXT.toBuilder()
                .setPeer(Metapb.Peer.newBuilder().setId(12).setStoreId(4)).build();
        Kvrpcpb.RawPutResponse resp = h.blocking()
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .rawPut(Kvrpcpb.RawPutRequest.newBuilder().setContext(otherStore).setKey(bs("f")).setValue(bs("v")).build());
        assertEquals("", resp.getError());
        // The storage sees the request untouched: it is the one to answer store_not_match.
        assertEquals(otherStore, h.storage.lastCall().context());
    }

    @Test
    void methodsNotServedStayUnimplemented() {
        StatusRuntimeException imp = assertThrows(StatusRuntimeException.class, () -> h.blocking()
                .kvImport(Kvrpcpb.ImportRequest.newBuilder().setCommitVersion(1).build()));
        assertEquals(Status.Code.UNIMPLEMENTED, imp.getStatus().getCode());
        StatusRuntimeException copr = assertThrows(StatusRuntimeException.class, () -> h.blocking().rawCoprocessor(
                Kvrpcpb.RawCoprocessorRequest.newBuilder().setContext(CONTEXT).build()));
        assertEquals(Status.Code.UNIMPLEMENTED, copr.getStatus().getCode());
    }
}
