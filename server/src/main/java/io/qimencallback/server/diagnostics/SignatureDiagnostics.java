package io.qimencallback.server.diagnostics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qimencallback.protocol.internal.SystemParams;
import io.qimencallback.protocol.internal.http.InboundCall;
import io.qimencallback.protocol.internal.privacy.PersonalData;
import io.qimencallback.protocol.internal.sign.SignatureExplainer;
import io.qimencallback.protocol.internal.sign.SignatureExplanation;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last signature failures, explained, for the admin port ({@code GET /api/signature-failures}): during joint
 * debugging the console says {@code sign-check-failure} and this says why.
 *
 * <p>What is kept is bounded and safe to show: never a secret; the digested string truncated to
 * {@value #CANONICAL_CHARS} characters and passed through {@link PersonalData#maskText}; computed signatures only as
 * their first {@value #SIGNATURE_CHARS} hex digits (a full signature for a tampered request would be a signing
 * oracle). Recording reuses the signatures the verifier already computed, never throws, and keeps at most
 * {@link #capacity()} entries of a few KiB each, whatever the size of the body.
 */
public final class SignatureDiagnostics {
    private static final Logger log = LoggerFactory.getLogger(SignatureDiagnostics.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    public static final int DEFAULT_CAPACITY = 100;
    static final int CANONICAL_CHARS = 4096;
    static final int SIGNATURE_CHARS = 8;
    /** Longest method, app key, customer id or sign kept: they are caller-controlled. */
    private static final int FIELD_CHARS = 256;
    /** Longest explanation text kept (a form post may carry hundreds of parameter names). */
    private static final int EXPLANATION_CHARS = 16 * 1024;

    private final int capacity;
    private final ArrayDeque<Failure> ring; // guarded by itself; newest last

    private SignatureDiagnostics(int capacity) {
        this.capacity = capacity;
        this.ring = new ArrayDeque<>(capacity);
    }

    /** Keeps the last {@code capacity} failures; 0 keeps nothing and reports itself disabled. */
    public static SignatureDiagnostics withCapacity(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must not be negative");
        }
        return new SignatureDiagnostics(capacity);
    }

    public static SignatureDiagnostics of(boolean enabled) {
        return withCapacity(enabled ? DEFAULT_CAPACITY : 0);
    }

    public boolean enabled() {
        return capacity > 0;
    }

    public int capacity() {
        return capacity;
    }

    /**
     * One failure as kept.
     *
     * @param variants  every signature tried, for every secret, in order
     * @param canonical the digested string, masked and truncated
     */
    public record Failure(Instant time, String remote, String method, String appKey, String customerId,
                          String signMethod, String received, String explanation, List<Variant> variants,
                          String canonical, long canonicalLength) {
        public Failure {
            variants = List.copyOf(variants);
        }
    }

    /** A signature tried: method, whether blank pairs were in the string, its first hex digits, whether it matched. */
    public record Variant(String signMethod, String blankPairs, String expectedPrefix, boolean match) {
    }

    /** Explains and keeps a failure; a no-op when disabled. Never throws: a failing call is answered regardless. */
    public void record(SignatureFailure failure) {
        if (capacity == 0) {
            return;
        }
        try {
            Failure kept = explain(Objects.requireNonNull(failure, "failure"));
            synchronized (ring) {
                if (ring.size() == capacity) {
                    ring.removeFirst();
                }
                ring.addLast(kept);
            }
        } catch (RuntimeException e) {
            log.warn("signature failure not recorded: {}", e.getClass().getName());
        }
    }

    private static Failure explain(SignatureFailure f) {
        InboundCall call = f.call();
        UnaryOperator<String> hideSecrets = text -> {
            String out = text;
            for (String secret : f.secrets()) {
                out = out.replace(secret, SignatureExplainer.SECRET_MASK);
            }
            return out;
        };
        SignatureExplanation e = SignatureExplainer.fromAttempts(call.signatureEvidence(), f.verification().attempts(),
                hideSecrets, new SignatureExplainer.Limits(CANONICAL_CHARS, SIGNATURE_CHARS, PersonalData::maskText));
        String appKey = call.param(SystemParams.APP_KEY);
        String text = (f.secrets().isEmpty() ? "No secret is configured for app_key '" + cap(appKey) + "' (nor for '*'):"
                + " no signature can match. Configure QIMEN_APPS or QIMEN_APPS_FILE.\n" : "") + e.render();
        List<Variant> variants = new ArrayList<>(e.variants().size());
        for (SignatureExplanation.Variant v : e.variants()) {
            String prefix = v.expected().substring(0, Math.min(SIGNATURE_CHARS, v.expected().length()));
            variants.add(new Variant(v.method().wireName(), v.blankPairs(), prefix, v.matched()));
        }
        return new Failure(call.raw().receivedAt().truncatedTo(ChronoUnit.SECONDS), f.remote(),
                cap(call.param(SystemParams.METHOD)), cap(appKey), cap(call.param(SystemParams.CUSTOMER_ID)),
                cap(call.param(SystemParams.SIGN_METHOD)), cap(call.sign()),
                hideSecrets.apply(PersonalData.maskText(cap(text, EXPLANATION_CHARS))), variants,
                e.canonical(), e.canonicalLength());
    }

    private static String cap(String s) {
        return cap(s, FIELD_CHARS);
    }

    private static String cap(String s, int chars) {
        return s == null || s.length() <= chars ? s : s.substring(0, chars) + "…";
    }

    /** The failures kept, newest first. */
    public List<Failure> failures() {
        List<Failure> out;
        synchronized (ring) {
            out = new ArrayList<>(ring.size());
            for (Iterator<Failure> it = ring.descendingIterator(); it.hasNext(); ) {
                out.add(it.next());
            }
        }
        return out;
    }

    /** The body of {@code GET /api/signature-failures}. */
    public ObjectNode json() {
        ObjectNode root = JSON.createObjectNode();
        root.put("enabled", enabled());
        root.put("capacity", capacity);
        ArrayNode failures = root.putArray("failures");
        for (Failure f : failures()) {
            ObjectNode n = failures.addObject();
            n.put("time", f.time().toString());
            n.put("remote", f.remote());
            n.put("method", f.method());
            n.put("appKey", f.appKey());
            n.put("customerId", f.customerId());
            n.put("signMethod", f.signMethod());
            n.put("received", f.received());
            n.put("explanation", f.explanation());
            ArrayNode variants = n.putArray("variants");
            for (Variant v : f.variants()) {
                variants.addObject()
                        .put("signMethod", v.signMethod())
                        .put("blankPairs", v.blankPairs())
                        .put("expectedPrefix", v.expectedPrefix())
                        .put("match", v.match());
            }
            n.put("canonical", f.canonical());
            n.put("canonicalLength", f.canonicalLength());
        }
        return root;
    }
}
