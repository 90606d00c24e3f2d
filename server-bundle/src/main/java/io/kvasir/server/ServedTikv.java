package io.kvasir.server;

import io.grpc.BindableService;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;

/** What the activator publishes while the store serves: its {@link TikvService} behind {@link RequestForwarding}. */
record ServedTikv(TikvService service, RequestForwarding forwarding) implements BindableService {
    @Override
    public ServerServiceDefinition bindService() {
        return ServerInterceptors.intercept(service, forwarding);
    }
}
