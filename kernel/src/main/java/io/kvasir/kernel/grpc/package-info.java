/**
 * The node's gRPC server and the whiteboard that serves every {@code BindableService} bundles register.
 * Never holds a service implementation of its own besides {@code grpc.health.v1.Health}.
 */
package io.kvasir.kernel.grpc;
