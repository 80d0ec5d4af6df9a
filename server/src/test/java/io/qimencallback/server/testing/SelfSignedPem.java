package io.qimencallback.server.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away self-signed certificate for 127.0.0.1 and localhost, as the PEM files the server reads. Made with the
 * JDK's own keytool, so tests need neither openssl nor BouncyCastle.
 */
public final class SelfSignedPem {
    private static final char[] PASSWORD = "test-only".toCharArray();

    private final Path cert;
    private final Path key;

    private SelfSignedPem(Path cert, Path key) {
        this.cert = cert;
        this.key = key;
    }

    public static SelfSignedPem create(Path dir) throws Exception {
        Path store = dir.resolve("tls.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", new String(PASSWORD))
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(store)) {
            ks.load(in, PASSWORD);
        }
        Certificate certificate = ks.getCertificate("server");
        Key privateKey = ks.getKey("server", PASSWORD); // getEncoded() is PKCS#8
        return new SelfSignedPem(
                Files.writeString(dir.resolve("tls.crt"), pem("CERTIFICATE", certificate.getEncoded())),
                Files.writeString(dir.resolve("tls.key"), pem("PRIVATE KEY", privateKey.getEncoded())));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    public Path cert() {
        return cert;
    }

    public Path key() {
        return key;
    }
}
