package io.qimencallback.protocol.internal.sign;

import java.net.URLEncoder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Explains a signature check (a diagnostic, never a decision): which variants {@link SignatureVerifier} tried and what
 * each computed, the string that was digested with the secret masked, and — given the sender's own string — where it
 * first differs and which classic mistake that looks like. The signing rules are not repeated here: the variants come
 * from {@link SignatureVerifier}, the strings from {@link SignatureBase#explain}.
 */
public final class SignatureExplainer {
    /** How the secret is shown in every string this class produces. */
    public static final String SECRET_MASK = "«secret»";
    /** What {@code sign --explain} prints for the secret; accepted in a sender's string too. */
    private static final String OTHER_MASK = "<secret>";
    /** Shown for "nothing here" in a difference. */
    static final String END = "(end)";
    /** Characters of context shown on each side of a difference. */
    private static final int CONTEXT = 24;
    /** Extra characters masked beyond a truncation, so that a value cut at the edge is still recognised and masked. */
    private static final int MASK_SLACK = 1024;
    private static final Pattern SIGN_PAIR = Pattern.compile("sign(?:[0-9A-Fa-f]{64}|[0-9A-Fa-f]{32})(?![0-9A-Fa-f])");

    /**
     * How much of an explanation is kept, for one that is stored or shown to others.
     *
     * @param canonicalChars longest canonical string kept
     * @param signatureChars leading characters of each computed signature kept (a full one for a tampered request is
     *                       a signing oracle)
     * @param mask           applied to every text that may hold request content (e.g. personal-data masking)
     */
    public record Limits(int canonicalChars, int signatureChars, UnaryOperator<String> mask) {
        /** Everything, unmasked: for the person who holds the request and the secret. */
        public static final Limits NONE = new Limits(Integer.MAX_VALUE, Integer.MAX_VALUE, UnaryOperator.identity());

        public Limits {
            if (canonicalChars < 0 || signatureChars < 0) {
                throw new IllegalArgumentException("limits must not be negative");
            }
            Objects.requireNonNull(mask, "mask");
        }
    }

    private SignatureExplainer() {
    }

    /** Checks {@code evidence} against one secret, as the verifier does, and explains the outcome. */
    public static SignatureExplanation explain(SignatureEvidence evidence, String secret) {
        return explain(evidence, secret, null);
    }

    /**
     * As {@link #explain(SignatureEvidence, String)}, and compares {@code senderCanonical} — the string the sender
     * digested, with its secret written out or as {@code «secret»}/{@code <secret>} — with the closest variant's.
     */
    public static SignatureExplanation explain(SignatureEvidence evidence, String secret, String senderCanonical) {
        Objects.requireNonNull(evidence, "evidence");
        Objects.requireNonNull(secret, "secret");
        SignatureVerifier.Verification v = SignatureVerifier.check(evidence.base(), evidence.receivedSign(),
                evidence.signMethod(), List.of(secret));
        UnaryOperator<String> hideSecret = text -> secret.isEmpty() ? text : text.replace(secret, SECRET_MASK);
        return build(evidence, v.attempts(), hideSecret, senderCanonical, Limits.NONE);
    }

    /**
     * Explains a failure from the signatures the verifier already computed (no digest is computed again), within
     * {@code limits}: what a server may keep. {@code hideSecrets} masks the secrets should a parameter hold one.
     */
    public static SignatureExplanation fromAttempts(SignatureEvidence evidence, List<SignatureVerifier.Attempt> attempts,
                                                    UnaryOperator<String> hideSecrets, Limits limits) {
        Objects.requireNonNull(evidence, "evidence");
        Objects.requireNonNull(attempts, "attempts");
        Objects.requireNonNull(hideSecrets, "hideSecrets");
        Objects.requireNonNull(limits, "limits");
        return build(evidence, attempts, hideSecrets, null, limits);
    }

    private static SignatureExplanation build(SignatureEvidence ev, List<SignatureVerifier.Attempt> attempts,
                                              UnaryOperator<String> hideSecret, String senderCanonical, Limits limits) {
        SignatureBase base = ev.base();
        List<SignatureExplanation.Variant> variants = new ArrayList<>(attempts.size());
        SignatureVerifier.Attempt shown = null;
        for (SignatureVerifier.Attempt a : attempts) {
            variants.add(new SignatureExplanation.Variant(a.secretIndex(), a.method(), a.emptyValuesDropped(),
                    shorten(a.expected(), limits.signatureChars()), a.matched()));
            if (a.matched()) {
                shown = a;
            }
        }
        // the string shown: the one that matched, else the first the verifier tries (what sign_method names)
        SignMethod method = shown != null ? shown.method() : SignatureVerifier.methodsToTry(ev.signMethod()).get(0);
        boolean dropped = shown != null && shown.emptyValuesDropped();
        SignatureBase variant = variant(base, dropped);
        String canonical;
        long canonicalLength;
        boolean truncated;
        if (limits.canonicalChars() == Integer.MAX_VALUE) {
            canonical = limits.mask().apply(hideSecret.apply(variant.explain(method, SECRET_MASK)));
            canonicalLength = canonical.length();
            truncated = false;
        } else {
            int keep = limits.canonicalChars();
            String prefix = limits.mask().apply(hideSecret.apply(variant.explain(method, SECRET_MASK, keep + MASK_SLACK)));
            canonical = prefix.length() > keep ? prefix.substring(0, keep) : prefix;
            canonicalLength = variant.explainedLength(method, SECRET_MASK);
            truncated = canonicalLength > keep + MASK_SLACK || prefix.length() > keep;
        }
        List<String> notes = notes(ev, variants);
        Optional<SignatureExplanation.FirstDifference> difference = Optional.empty();
        if (senderCanonical != null) {
            String found = hideSecret.apply(senderCanonical.replace(OTHER_MASK, SECRET_MASK));
            difference = compare(ev, found, hideSecret, notes);
        }
        if (variants.stream().noneMatch(SignatureExplanation.Variant::matched) && !variants.isEmpty()) {
            notes.add("No variant matches: the secret differs, or the parameters or the body changed after signing."
                    + (senderCanonical == null ? " Compare the string above with the one the sender digested." : ""));
        }
        return new SignatureExplanation(ev.sources(), ev.bodyLength(), base.signsBody(), ev.receivedSign(),
                ev.signMethod(), SignatureExplanation.Variant.label(method, dropped), canonical, canonicalLength,
                truncated, variants, difference, notes);
    }

    private static SignatureBase variant(SignatureBase base, boolean blankPairsDropped) {
        List<SignatureBase> variants = SignatureVerifier.variantsToTry(base);
        return blankPairsDropped && variants.size() > 1 ? variants.get(1) : variants.get(0);
    }

    private static String shorten(String signature, int chars) {
        return signature.length() <= chars ? signature : signature.substring(0, chars) + "…";
    }

    /** Observations that hold whatever the sender's string: sign shape, sign_method, form posts, blank values. */
    private static List<String> notes(SignatureEvidence ev, List<SignatureExplanation.Variant> variants) {
        List<String> notes = new ArrayList<>();
        variants.stream().filter(SignatureExplanation.Variant::matched).findFirst()
                .ifPresent(v -> notes.add("Verified: " + v.label() + "."));
        String sign = ev.receivedSign() == null ? "" : ev.receivedSign().trim();
        List<SignMethod> tried = SignatureVerifier.methodsToTry(ev.signMethod());
        if (sign.isEmpty()) {
            notes.add("No sign was received (it is read from the query string): nothing to compare.");
        } else {
            if (!sign.equals(sign.toUpperCase(java.util.Locale.ROOT))) {
                notes.add("The received sign is in lower-case hex: accepted here (hex case is ignored), but TOP signs in"
                        + " upper case and SpiUtils compares case-sensitively.");
            }
            if (sign.length() == 64 && !tried.contains(SignMethod.HMAC_SHA256)) {
                notes.add("The received sign has 64 hex digits, as hmac-sha256 gives, but sign_method is "
                        + (ev.signMethod() == null ? "absent" : "'" + ev.signMethod() + "'")
                        + ": hmac-sha256 is tried only when sign_method names it (and sign_method is itself signed).");
            } else if (sign.length() == 32 && tried.contains(SignMethod.HMAC_SHA256)) {
                notes.add("The received sign has 32 hex digits, as md5 and hmac give, but sign_method is hmac-sha256"
                        + " (64 digits); md5 was tried as well.");
            } else if (sign.length() != 32 && sign.length() != 64) {
                notes.add("The received sign has " + sign.length() + " characters; md5 and hmac give 32 hex digits,"
                        + " hmac-sha256 64.");
            }
        }
        if (ev.signMethod() != null && SignMethod.fromWireName(ev.signMethod()).isEmpty()) {
            notes.add("sign_method '" + ev.signMethod() + "' is not md5, hmac or hmac-sha256: only md5 was tried.");
        }
        ParamSource signSource = ev.sources().get("sign");
        if (signSource != null && signSource != ParamSource.QUERY) {
            notes.add("The sign came from the " + signSource.label() + ", not the query string, where SpiUtils reads it.");
        }
        if (!ev.base().signsBody() && ev.bodyLength() > 0) {
            notes.add("Form post: the form fields are signed as parameters, sorted with the others; the raw body is not"
                    + " part of the string.");
        }
        List<String> blank = blankNames(ev.base());
        if (!blank.isEmpty()) {
            notes.add("Blank-valued parameters " + blank + ": tried with them (as SpiUtils does) and without them (as TOP"
                    + " SDKs sign).");
        }
        return notes;
    }

    private static List<String> blankNames(SignatureBase base) {
        List<String> names = new ArrayList<>();
        base.params().forEach((k, v) -> {
            if (SignatureBase.isBlankPair(k, v)) {
                names.add(k);
            }
        });
        return names;
    }

    /** The first difference from the closest of the strings the verifier tries; none when one is equal. */
    private static Optional<SignatureExplanation.FirstDifference> compare(SignatureEvidence ev, String found,
                                                                           UnaryOperator<String> hideSecret,
                                                                           List<String> notes) {
        Map<String, String> candidates = new LinkedHashMap<>();
        List<SignatureBase> bases = SignatureVerifier.variantsToTry(ev.base());
        for (SignMethod m : SignatureVerifier.methodsToTry(ev.signMethod())) {
            for (int i = 0; i < bases.size(); i++) {
                candidates.putIfAbsent(SignatureExplanation.Variant.label(m, i > 0),
                        hideSecret.apply(bases.get(i).explain(m, SECRET_MASK)));
            }
        }
        SignMethod named = SignatureVerifier.methodsToTry(ev.signMethod()).get(0);
        for (Map.Entry<String, String> c : candidates.entrySet()) {
            if (c.getValue().equals(found)) {
                notes.add("Your string is exactly the " + c.getKey() + " string: parameters and body agree."
                        + (c.getKey().startsWith(named.wireName() + ",") ? " If your sign still differs, check the"
                        + " secret, the charset of the bytes digested and the algorithm."
                        : " But sign_method names " + named.wireName() + ", which does not wrap the string in the"
                        + " secret: the secret is the HMAC key."));
                return Optional.empty();
            }
        }
        // compared with what sign_method names: that is what the sender says it did
        String bestLabel = null;
        int best = -1;
        for (Map.Entry<String, String> c : candidates.entrySet()) {
            int common = commonPrefix(c.getValue(), found);
            if (c.getKey().startsWith(named.wireName() + ",") && common > best) {
                best = common;
                bestLabel = c.getKey();
            }
        }
        String expected = candidates.get(bestLabel);
        SignMethod method = SignMethod.fromWireName(bestLabel.substring(0, bestLabel.indexOf(','))).orElseThrow();
        boolean dropped = bestLabel.endsWith("dropped");
        String hint = hint(ev, variant(ev.base(), dropped), method, expected, found, best);
        return Optional.of(new SignatureExplanation.FirstDifference(best, bestLabel, window(expected, best),
                window(found, best), segment(expected, best), segment(found, best), Optional.ofNullable(hint)));
    }

    private static int commonPrefix(String a, String b) {
        int n = Math.min(a.length(), b.length());
        int i = 0;
        while (i < n && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        return i;
    }

    private static String window(String s, int index) {
        return s.substring(Math.max(0, index - CONTEXT), Math.min(s.length(), index + CONTEXT));
    }

    private static String segment(String s, int index) {
        return index >= s.length() ? END : s.substring(index, Math.min(s.length(), index + 12));
    }

    /** The classic mistake the difference looks like, most telling first; {@code null} when none fits. */
    private static String hint(SignatureEvidence ev, SignatureBase base, SignMethod method, String expected,
                               String found, int index) {
        if (SIGN_PAIR.matcher(found).find() && !SIGN_PAIR.matcher(expected).find()) {
            return "your string contains the sign itself: the parameter 'sign' is left out of what is signed.";
        }
        if (method == SignMethod.MD5) {
            if (!found.startsWith(SECRET_MASK)) {
                return "your string does not start with the secret (md5 is secret + parameters + body + secret):"
                        + " it is missing at that end, or it is another secret.";
            }
            if (!found.endsWith(SECRET_MASK)) {
                return "your string does not end with the secret (md5 is secret + parameters + body + secret):"
                        + " it is missing at that end, or it is another secret.";
            }
        } else if (found.startsWith(SECRET_MASK) || found.endsWith(SECRET_MASK)) {
            return method.wireName() + " does not wrap the string in the secret: the secret is only the HMAC key.";
        }
        for (Map.Entry<String, String> p : base.params().entrySet()) {
            String encoded = URLEncoder.encode(p.getValue(), base.charset());
            if (!encoded.equals(p.getValue()) && !found.contains(p.getKey() + p.getValue())
                    && (found.contains(p.getKey() + encoded) || found.contains(p.getKey() + encoded.replace("+", "%20")))) {
                return "the value of '" + p.getKey() + "' is URL-encoded in your string: values are signed decoded"
                        + " (a space, not + or %20; ':' not %3A).";
            }
        }
        if (notSorted(base, found)) {
            return "the parameters are not sorted by name: sort them in byte order (upper case before lower case, so"
                    + " customerId comes before format, and app_key before customerId).";
        }
        int bodyStart = bodyStart(base, method, expected);
        if (bodyStart >= 0) {
            String head = expected.substring(bodyStart, Math.min(expected.length(), bodyStart + 32));
            if (!head.isEmpty() && !found.contains(head)) {
                return "the body is missing: for XML, JSON and text bodies the raw body, byte for byte, follows the"
                        + " parameters" + (method == SignMethod.MD5 ? " (before the trailing secret)." : ".");
            }
            if (index >= bodyStart) {
                return "the difference is inside the body: it was changed after signing, or re-encoded (pretty-printed,"
                        + " another charset, a trailing newline).";
            }
        } else if (ev.bodyLength() > 0 && !base.signsBody() && found.matches("(?s).*[\\w.]+=[^&]*&[\\w.]+=.*")) {
            return "form posts sign the form fields as parameters (decoded, sorted with the others), not the raw body.";
        }
        String blank = blankAt(expected, found, index);
        if (blank != null) {
            return blank;
        }
        if (index < expected.length() && index < found.length()
                && Character.toLowerCase(expected.charAt(index)) == Character.toLowerCase(found.charAt(index))) {
            return "the strings differ in letter case here (lower-case hex where upper case is expected?).";
        }
        return null;
    }

    /** Whether every pair of the base is in {@code found}, and not in sorted order. */
    private static boolean notSorted(SignatureBase base, String found) {
        int last = -1;
        boolean sorted = true;
        int pairs = 0;
        for (Map.Entry<String, String> p : base.params().entrySet()) {
            if (SignatureBase.isBlankPair(p.getKey(), p.getValue())) {
                continue; // a bare name is found anywhere; it proves nothing about order
            }
            int at = found.indexOf(p.getKey() + p.getValue());
            if (at < 0) {
                return false;
            }
            sorted &= at > last;
            last = at;
            pairs++;
        }
        return pairs > 1 && !sorted;
    }

    /** Where the body starts in an expected string, or -1 when the body is not signed or is empty. */
    private static int bodyStart(SignatureBase base, SignMethod method, String expected) {
        if (!base.signsBody() || base.body().length == 0) {
            return -1;
        }
        int start = (method == SignMethod.MD5 ? SECRET_MASK.length() : 0) + base.canonicalParams().length();
        return start < expected.length() ? start : -1;
    }

    /**
     * A name with an empty value in the sender's string that the request does not carry. (The opposite — a blank pair
     * received and not signed — is the variant without blank pairs, which is tried and compared with anyway.)
     */
    private static String blankAt(String expected, String found, int index) {
        int start = index;
        int end = found.indexOf(expected.substring(index, Math.min(expected.length(), index + 8)), index);
        if (end <= index || end - index > 40) {
            return null;
        }
        // an insertion is ambiguous by as much as its ends repeat: take the earliest reading (a whole name)
        while (start > 0 && found.charAt(start - 1) == found.charAt(end - 1)) {
            start--;
            end--;
        }
        if (found.substring(start, end).matches("[A-Za-z_][\\w.-]*")) {
            return "your string has '" + found.substring(start, end) + "' with an empty value, and the request has no"
                    + " such parameter: a blank value kept when signing but not sent (TOP SDKs drop blank values from"
                    + " both).";
        }
        return null;
    }
}
