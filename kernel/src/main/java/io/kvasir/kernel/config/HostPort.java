package io.kvasir.kernel.config;

import io.kvasir.kernel.KernelStartupException;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.Locale;

/** A listen address from the config, {@code host:port} or {@code [ipv6]:port}; port 0 means "any free port". */
public record HostPort(String host, int port) {

    /**
     * Parses {@code text}, the value of config key {@code key}.
     *
     * @throws KernelStartupException naming {@code key} when the text is not host:port
     */
    public static HostPort parse(String key, String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw invalid(key, text);
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        String portText = text.substring(colon + 1);
        if (host.isBlank() || !portText.chars().allMatch(Character::isDigit) || portText.length() > 5) {
            throw invalid(key, text);
        }
        int port = Integer.parseInt(portText);
        if (port > 65535) {
            throw new KernelStartupException(key + ": port must be 0-65535, got '" + text + "'");
        }
        return new HostPort(host, port);
    }

    private static KernelStartupException invalid(String key, String text) {
        return new KernelStartupException(key + ": expected host:port, got '" + text + "'");
    }

    /**
     * The address to bind, host name resolved.
     *
     * @throws KernelStartupException naming {@code key} if the host is unknown
     */
    public InetSocketAddress toBindableAddress(String key) {
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new KernelStartupException(key + ": cannot listen on " + this + ": unknown host");
        }
        return address;
    }

    /** The startup error for a failed bind on this address, e.g. "...: address already in use". */
    public KernelStartupException cannotListen(String key, Throwable failure) {
        return new KernelStartupException(key + ": cannot listen on " + this + ": " + bindFailure(failure), failure);
    }

    private static String bindFailure(Throwable failure) {
        Throwable deepest = failure;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            // The JDK throws BindException("Address already in use"); Netty's epoll transport a
            // NativeIoException "bind(..) failed: Address already in use" under gRPC's IOException.
            String msg = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (msg.contains("address already in use")) {
                return "address already in use";
            }
            deepest = t;
        }
        return deepest instanceof BindException ? String.valueOf(deepest.getMessage()).toLowerCase(Locale.ROOT)
                : String.valueOf(deepest.getMessage());
    }

    /** The same host with another port: how to print an address after port 0 was bound. */
    public HostPort withPort(int boundPort) {
        return new HostPort(host, boundPort);
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
