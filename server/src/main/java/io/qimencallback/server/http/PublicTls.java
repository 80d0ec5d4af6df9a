package io.qimencallback.server.http;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.qimencallback.server.config.ServerConfig;
import io.qimencallback.server.config.Setting;

/** The public port's TLS context, from the PEM files; JDK provider, as the server ships no native library. */
public final class PublicTls {
    private PublicTls() {
    }

    /**
     * @return {@code null} when the port speaks plain HTTP
     * @throws IllegalStateException naming the files when they cannot be loaded (never the key itself)
     */
    public static SslContext of(ServerConfig config) {
        if (!config.tls()) {
            return null;
        }
        try {
            return SslContextBuilder.forServer(config.tlsCertFile().toFile(), config.tlsKeyFile().toFile())
                    .sslProvider(SslProvider.JDK)
                    .build();
        } catch (Exception e) {
            // the message names the failing part (e.g. an unsupported key format), never the key itself
            throw new IllegalStateException("cannot load the TLS certificate and key (" + Setting.TLS_CERT_FILE.env()
                    + "=" + config.tlsCertFile() + ", " + Setting.TLS_KEY_FILE.env() + "=" + config.tlsKeyFile()
                    + "; the key must be unencrypted PKCS#8 PEM): " + e.getMessage(), e);
        }
    }
}
