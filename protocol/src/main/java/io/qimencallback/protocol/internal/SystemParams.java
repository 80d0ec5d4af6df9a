package io.qimencallback.protocol.internal;

import java.util.List;

/** Names of the system parameters the gateway puts in the query string (spec §2.2). */
public final class SystemParams {
    public static final String METHOD = "method";
    public static final String APP_KEY = "app_key";
    public static final String TIMESTAMP = "timestamp";
    public static final String SIGN = "sign";
    public static final String SIGN_METHOD = "sign_method";
    public static final String FORMAT = "format";
    public static final String VERSION = "v";
    public static final String CUSTOMER_ID = "customerId";
    /** Header naming other headers whose values are signed (spec §2.6). */
    public static final String SIGN_LIST_HEADER = "top-sign-list";

    /** What a request must carry before anything else is looked at, in the order they are reported. */
    public static final List<String> REQUIRED = List.of(METHOD, APP_KEY, TIMESTAMP, SIGN);

    private SystemParams() {
    }
}
