package io.qimencallback.server.client;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * An {@link SSLContext} that trusts exactly the certificates of a PEM file (like curl's {@code --cacert}): how the
 * command line and the tests reach a server with a private or self-signed certificate without turning verification
 * off.
 */
public final class PemTrust {
    private PemTrust() {
    }

    /** @throws IllegalArgumentException when the file holds no readable certificate */
    public static SSLContext context(Path pemFile) {
        Objects.requireNonNull(pemFile, "pemFile");
        try (InputStream in = Files.newInputStream(pemFile)) {
            return context(in);
        } catch (IOException e) {
            throw new IllegalArgumentException(pemFile + ": cannot read certificates: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(pemFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * The same from the PEM text itself (a target's {@code ca_file}, read with the other settings).
     *
     * @throws IllegalArgumentException when the text holds no readable certificate; the message names no content
     */
    public static SSLContext fromPem(String pem) {
        Objects.requireNonNull(pem, "pem");
        return context(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }

    /**
     * Trust managers for exactly the certificates of the PEM text, for a context that also carries a client
     * certificate (a target's {@code ca_file} with {@code cert_file}).
     *
     * @throws IllegalArgumentException when the text holds no readable certificate; the message names no content
     */
    public static TrustManager[] trustManagers(String pem) {
        Objects.requireNonNull(pem, "pem");
        return trustManagers(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }

    private static SSLContext context(InputStream in) {
        TrustManager[] trust = trustManagers(in);
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, trust, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("no TLS context (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    private static TrustManager[] trustManagers(InputStream in) {
        try {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("no certificate in it");
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                store.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            return tmf.getTrustManagers();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("not PEM certificates (" + e.getClass().getSimpleName() + ")", e);
        }
    }
}
