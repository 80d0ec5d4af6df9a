package io.qimencallback.protocol.internal.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masking on any text: it never throws, its output is bounded, and no mobile number or resident ID number that the
 * input holds comes out whole, whatever the shape around it (XML, JSON, form, free text, broken or cut) and whatever
 * Content-Type is claimed. A known number is planted in every input at a place the input decides.
 */
class PersonalDataFuzzTest {
    private static final List<String> TYPES = Arrays.asList("application/xml", "application/json",
            "application/x-www-form-urlencoded", "text/plain", null);
    private static final Pattern MOBILE = Pattern.compile("(?<!\\d)(?:\\+?86[- ]?)?1[3-9]\\d[- ]?\\d{4}[- ]?\\d{4}(?!\\d)");
    private static final Pattern ID = Pattern.compile("(?<!\\d)[1-9]\\d{5}(?:18|19|20)\\d{2}(?:0[1-9]|1[0-2])"
            + "(?:0[1-9]|[12]\\d|3[01])\\d{3}[0-9Xx](?![0-9A-Za-z])");
    private static final String[] PLANTED = {"13812345678", "330106199001011234", "11010519491231002X", "+86 139 1234 5678"};

    @FuzzTest(maxDuration = "20s")
    void mask(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        String planted = PLANTED[Math.floorMod(bytes.length, PLANTED.length)];
        int at = text.isEmpty() ? 0 : Math.floorMod(Arrays.hashCode(bytes), text.length() + 1);
        if (at > 0 && Character.isLowSurrogate(text.charAt(at - 1 < text.length() ? at - 1 : 0))) {
            at--;
        }
        String input = text.substring(0, at) + planted + text.substring(at);
        List<String> secrets = secrets(input);

        List<String> outputs = new ArrayList<>();
        for (String type : TYPES) {
            outputs.add(PersonalData.maskBody(type, input, false));
            outputs.add(PersonalData.maskBody(type, input, true));
        }
        outputs.add(PersonalData.maskText(input));
        outputs.add(PersonalData.maskValues(input));
        outputs.add(PersonalData.maskField("remark", input));
        outputs.add(PersonalData.maskParams(Map.of(input, input)).toString());
        for (String out : outputs) {
            assertThat(out.length()).as("bounded").isLessThanOrEqualTo(3 * input.length() + 200);
            // read as the input was: a number the input holds may still be part of a longer one (an order number)
            List<String> left = secrets(out);
            left.retainAll(secrets);
            assertThat(left).as("unmasked in %s", out).isEmpty();
        }
    }

    /** The mobile and ID numbers the input holds, separators (and a +86) removed. */
    private static List<String> secrets(String input) {
        List<String> found = new ArrayList<>();
        for (Pattern p : List.of(MOBILE, ID)) {
            Matcher m = p.matcher(input);
            while (m.find()) {
                String s = m.group().replaceAll("[- +]", "");
                found.add(s.length() == 13 && s.startsWith("86") ? s.substring(2) : s);
            }
        }
        return found;
    }
}
