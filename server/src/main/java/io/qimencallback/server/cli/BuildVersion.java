package io.qimencallback.server.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/** The version Maven wrote into {@code version.properties} at build time ({@code dev} when run unbuilt). */
public final class BuildVersion implements CommandLine.IVersionProvider {
    static final String RESOURCE = "/io/qimencallback/server/version.properties";

    /** The project version, e.g. {@code 0.1.0}; {@code dev} when the resource was not filtered. */
    public static String version() {
        try (InputStream in = BuildVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return "dev";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "").strip();
            return v.isEmpty() || v.contains("${") ? "dev" : v;
        } catch (IOException e) {
            return "dev";
        }
    }

    @Override
    public String[] getVersion() {
        return new String[] {"qimen-server " + version()};
    }
}
