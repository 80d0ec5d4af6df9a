package io.qimencallback.server.target.rabbitmq;

import io.qimencallback.server.client.PemTrust;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * The TLS context of an {@code amqps} target: whom it trusts ({@code ca_file}, else the JVM's CAs) and, for mutual
 * TLS, the client certificate it presents ({@code cert_file}, {@code key_file}: PEM, the key unencrypted PKCS#8, as
 * the Kafka target's {@code ssl_key_file} and the server's {@code tls_key_file}). Messages never carry file content.
 */
final class ClientTls {
    private static final Pattern PKCS8 = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "EdDSA", "DSA");
    /** Guards an in-memory key store that never leaves this class: not a secret. */
    private static final char[] STORE_PASSWORD = "in-memory".toCharArray();

    private ClientTls() {
    }

    /**
     * @param ca PEM certificates to trust; empty: the JVM's
     * @param identity the PEM certificate chain and key; empty: no client certificate
     * @throws IllegalArgumentException naming the file ({@code ca_file:}, {@code cert_file:}, {@code key_file:})
     */
    static SSLContext context(Optional<String> ca, Optional<Identity> identity) {
        TrustManager[] trust = null; // the JVM's
        if (ca.isPresent()) {
            try {
                trust = PemTrust.trustManagers(ca.get());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("ca_file: " + e.getMessage(), e);
            }
        }
        KeyManager[] keys = identity.isPresent() ? keyManagers(identity.get()) : null;
        if (trust == null && keys == null) {
            try {
                return SSLContext.getDefault();
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("uri: no default TLS context (" + e.getClass().getSimpleName() + ")", e);
            }
        }
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(keys, trust, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("uri: no TLS context (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    /** A client certificate chain and its key, as PEM text. */
    record Identity(String certPem, String keyPem) {
        Identity {
            Objects.requireNonNull(certPem, "certPem");
            Objects.requireNonNull(keyPem, "keyPem");
        }

        @Override
        public String toString() {
            return "Identity[PEM certificate and key]"; // never the key
        }
    }

    /** @throws IllegalArgumentException when a file cannot be read, or the key is not the certificate's */
    static KeyManager[] keyManagers(Identity identity) {
        Certificate[] chain;
        try {
            chain = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(identity.certPem().getBytes(StandardCharsets.US_ASCII)))
                    .toArray(new Certificate[0]);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cert_file: not PEM certificates (" + e.getClass().getSimpleName() + ")", e);
        }
        if (chain.length == 0) {
            throw new IllegalArgumentException("cert_file: no certificate in it");
        }
        PrivateKey key = privateKey(identity.keyPem());
        if (!matches(key, chain[0])) {
            throw new IllegalArgumentException("key_file: not the key of cert_file's first certificate");
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("client", key, STORE_PASSWORD, chain);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, STORE_PASSWORD);
            return kmf.getKeyManagers();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cert_file, key_file: cannot make a key manager ("
                    + e.getClass().getSimpleName() + ")", e);
        }
    }

    private static PrivateKey privateKey(String pem) {
        if (pem.contains("ENCRYPTED PRIVATE KEY") || pem.contains("BEGIN RSA PRIVATE KEY")
                || pem.contains("BEGIN EC PRIVATE KEY")) {
            throw new IllegalArgumentException("key_file: an encrypted, PKCS#1 or SEC1 key; give an unencrypted"
                    + " PKCS#8 key (-----BEGIN PRIVATE KEY-----: openssl pkcs8 -topk8 -nocrypt -in key.pem)");
        }
        Matcher m = PKCS8.matcher(pem);
        if (!m.find()) {
            throw new IllegalArgumentException("key_file: no -----BEGIN PRIVATE KEY----- block (unencrypted PKCS#8 PEM)");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(m.group(1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("key_file: the PRIVATE KEY block is not base64", e);
        }
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // not this algorithm's key: try the next
            }
        }
        throw new IllegalArgumentException("key_file: not an RSA, EC, EdDSA or DSA key");
    }

    /** Whether the key signs what the certificate's public key verifies. */
    private static boolean matches(PrivateKey key, Certificate cert) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "DSA" -> "SHA256withDSA";
            default -> key.getAlgorithm(); // EdDSA, Ed25519, Ed448 sign by their own name
        };
        try {
            byte[] probe = "qimen-callback-server client certificate".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(cert.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false; // of another algorithm than the certificate's
        }
    }
}
