package io.kvasir.kernel;

/**
 * What the kernel tells about one installed bundle, for tests, the status server and the CLI.
 *
 * @param id           the framework's bundle id (0 is the framework itself)
 * @param symbolicName Bundle-SymbolicName
 * @param version      Bundle-Version
 * @param state        INSTALLED, RESOLVED, STARTING, ACTIVE, STOPPING or UNINSTALLED
 */
public record BundleInfo(long id, String symbolicName, String version, String state) {
}
