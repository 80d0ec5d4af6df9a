package io.qimencallback.protocol.internal.sign;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Why a signature did or did not verify, for a person: where the parameters came from, what was digested (secret
 * masked), every variant the verifier tried, and — when the sender's own string was given — where it first differs.
 * Built by {@link SignatureExplainer}; {@link #render()} gives the text.
 *
 * @param sources          parameter name to source, sorted by name ({@code sign} included)
 * @param bodyLength       body bytes received
 * @param bodySigned       whether the body is part of the string (not for form posts)
 * @param receivedSign     the claimed sign, or {@code null}
 * @param signMethod       the {@code sign_method} parameter, or {@code null}
 * @param canonicalVariant which variant {@code canonical} is the string of
 * @param canonical        the digested string, secret shown as {@link SignatureExplainer#SECRET_MASK}; may be truncated
 *                         and masked
 * @param canonicalLength  the whole string's length in characters, before any masking
 * @param canonicalTruncated whether {@code canonical} is only the beginning of the string
 * @param variants         every variant tried, in the verifier's order
 * @param difference       where the sender's string first differs from the closest variant's, when one was given
 * @param notes            observations that explain common failures
 */
public record SignatureExplanation(Map<String, ParamSource> sources, int bodyLength, boolean bodySigned,
                                   String receivedSign, String signMethod, String canonicalVariant, String canonical,
                                   long canonicalLength, boolean canonicalTruncated, List<Variant> variants, Optional<FirstDifference> difference,
                                   List<String> notes) {

    public SignatureExplanation {
        sources = Collections.unmodifiableSortedMap(new TreeMap<>(Objects.requireNonNull(sources, "sources")));
        Objects.requireNonNull(canonicalVariant, "canonicalVariant");
        Objects.requireNonNull(canonical, "canonical");
        variants = List.copyOf(variants);
        Objects.requireNonNull(difference, "difference");
        notes = List.copyOf(notes);
    }

    /**
     * One signature the verifier computed.
     *
     * @param secretIndex       which secret (0 = the first tried for the app key)
     * @param expected          the computed signature, possibly shortened for display (then ending in {@code …})
     */
    public record Variant(int secretIndex, SignMethod method, boolean blankPairsDropped, String expected,
                          boolean matched) {
        public Variant {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(expected, "expected");
        }

        /** {@code kept} or {@code dropped}: whether blank-valued pairs were in the string. */
        public String blankPairs() {
            return blankPairsDropped ? "dropped" : "kept";
        }

        public String label() {
            return label(method, blankPairsDropped);
        }

        static String label(SignMethod method, boolean blankPairsDropped) {
            return method.wireName() + ", blank pairs " + (blankPairsDropped ? "dropped" : "kept");
        }
    }

    /**
     * Where the sender's string first differs from the expected one.
     *
     * @param index          position of the first differing character (0-based)
     * @param expectedWindow the expected string around {@code index}
     * @param foundWindow    the sender's string around {@code index}
     * @param expected       what the expected string has from {@code index} (a few characters, or {@code (end)})
     * @param found          what the sender's string has there
     * @param hint           the classic mistake this looks like, if any
     */
    public record FirstDifference(int index, String comparedWith, String expectedWindow, String foundWindow,
                                  String expected, String found, Optional<String> hint) {
        public FirstDifference {
            Objects.requireNonNull(comparedWith, "comparedWith");
            Objects.requireNonNull(expectedWindow, "expectedWindow");
            Objects.requireNonNull(foundWindow, "foundWindow");
            Objects.requireNonNull(expected, "expected");
            Objects.requireNonNull(found, "found");
            Objects.requireNonNull(hint, "hint");
        }
    }

    /** Whether some variant matched the received sign. */
    public boolean verified() {
        return variants.stream().anyMatch(Variant::matched);
    }

    /** A readable multi-line text of everything above. */
    public String render() {
        StringBuilder b = new StringBuilder(512 + canonical.length());
        b.append("Signature: ").append(verified() ? "VERIFIED" : "does NOT verify")
                .append(" (received sign ").append(receivedSign == null ? "(none)" : receivedSign)
                .append(", sign_method ").append(signMethod == null ? "(none)" : signMethod).append(")\n");
        b.append("Parameters (").append(sources.size()).append("):\n");
        Map<ParamSource, List<String>> bySource = new EnumMap<>(ParamSource.class);
        sources.forEach((name, source) -> bySource.computeIfAbsent(source, s -> new ArrayList<>()).add(name));
        bySource.forEach((source, names) -> b.append("  ").append(source.label()).append(": ")
                .append(String.join(", ", names)).append('\n'));
        b.append("Body: ").append(bodyLength).append(" bytes, ").append(bodySigned
                ? "part of the string (after the parameters)" : bodyLength == 0 ? "nothing to sign"
                : "not part of the string (form post: its fields are parameters)").append('\n');
        b.append("String digested (").append(canonicalVariant).append("; ").append(canonicalLength)
                .append(" characters; the secret shown as ").append(SignatureExplainer.SECRET_MASK).append("):\n  ")
                .append(canonical);
        if (canonicalTruncated) {
            b.append("… (truncated)");
        }
        b.append('\n');
        b.append("Variants tried:").append(variants.isEmpty() ? " none\n" : "\n");
        int secrets = variants.stream().mapToInt(Variant::secretIndex).max().orElse(0) + 1;
        int width = Math.max(1, variants.stream().mapToInt(v -> v.expected().length()).max().orElse(1));
        for (Variant v : variants) {
            b.append("  ");
            if (secrets > 1) {
                b.append("secret #").append(v.secretIndex() + 1).append("  ");
            }
            b.append(String.format("%-30s %-" + width + "s  %s", v.label(), v.expected(), v.matched() ? "MATCH" : "no")).append('\n');
        }
        difference.ifPresent(d -> {
            b.append("Your string first differs at index ").append(d.index()).append(" (compared with ")
                    .append(d.comparedWith()).append("; expected: from the request as received, found: your string):\n");
            b.append("  expected …").append(escape(d.expectedWindow())).append("…\n");
            b.append("  found    …").append(escape(d.foundWindow())).append("…\n");
            b.append("  expected ").append(quote(d.expected())).append(", found ").append(quote(d.found())).append('\n');
            d.hint().ifPresent(h -> b.append("  hint: ").append(h).append('\n'));
        });
        if (!notes.isEmpty()) {
            b.append("Notes:\n");
            notes.forEach(n -> b.append("  - ").append(n).append('\n'));
        }
        return b.toString();
    }

    private static String quote(String s) {
        return s.equals(SignatureExplainer.END) ? s : "\"" + escape(s) + "\"";
    }

    /** Line ends and tabs made visible: they are often the difference. */
    private static String escape(String s) {
        return s.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t");
    }
}
