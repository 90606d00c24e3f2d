package io.kvasir.kernel.config;

import com.typesafe.config.Config;

/**
 * The {@code reference.conf} shipped inside one bundle: that bundle's defaults, lowest in the
 * config's precedence.
 *
 * @param bundle who ships it (symbolic name), for messages
 * @param config the parsed, unresolved file
 */
public record BundleReference(String bundle, Config config) {
}
