package io.qimencallback.protocol;

import java.util.Locale;

/**
 * The one place where Qimen method names are normalized (spec §2.3), for dispatch and for metrics.
 *
 * <ul>
 *   <li>{@code taobao.qimen.deliveryorder.create} → {@code deliveryorder.create} (the gateway strips the prefix for
 *       ERP–WMS calls; some callers do not);</li>
 *   <li>{@code 3ldsmu02o9.wdt.wms.stockspec.search} → {@code wdt.wms.stockspec.search} (custom scenarios may keep
 *       their scenario code);</li>
 *   <li>{@code taobao.crm.order.detail.get} → {@code qimen.taobao.crm.order.detail.get} (the SDK sends the short form
 *       of the official QimenCloud name).</li>
 * </ul>
 * Names are trimmed and lower-cased.
 */
public final class MethodNames {
    private static final String WMS_PREFIX = "taobao.qimen.";
    private static final String CLOUD_PREFIX = "qimen.";
    private static final String TAOBAO_PREFIX = "taobao.";
    private static final String WDT_MARKER = ".wdt.";

    private MethodNames() {
    }

    /**
     * The name handlers register under, normalized as the class describes.
     *
     * @param method the method as it arrived
     * @return the normalized name
     */
    public static String normalize(String method) {
        String m = method.trim().toLowerCase(Locale.ROOT);
        if (m.startsWith(WMS_PREFIX)) {
            return m.substring(WMS_PREFIX.length());
        }
        if (m.startsWith(TAOBAO_PREFIX)) {
            return CLOUD_PREFIX + m;
        }
        int wdt = m.indexOf(WDT_MARKER);
        if (wdt >= 0 && !m.startsWith(CLOUD_PREFIX)) {
            return m.substring(wdt + 1);
        }
        return m;
    }
}
