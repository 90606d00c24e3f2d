/**
 * The Kvasir kernel: the launcher that makes a node out of OSGi bundles. {@link io.kvasir.kernel.Kernel}
 * embeds Apache Felix, loads the configuration, installs and starts the bundles of an assembly, hosts
 * the gRPC server bundles publish services on (the whiteboard) and the status HTTP server;
 * {@link io.kvasir.kernel.Main} is {@code bin/kvasir}.
 *
 * <p>Boundary: the kernel knows nothing about key-value semantics, regions or Raft. Its only contract
 * with bundles is the OSGi service registry ({@code com.typesafe.config.Config} in,
 * {@code io.grpc.BindableService} out) and the {@code Kvasir-Engine} manifest header. Kernel packages
 * are not exported to bundles: no bundle may import them.
 */
package io.kvasir.kernel;
