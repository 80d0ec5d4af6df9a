package io.qimencallback.protocol.internal.sign;

/** Where a signed parameter was read from (spec §3.1); shown when a signature has to be explained. */
public enum ParamSource {
    HEADER("top-sign-list headers"),
    QUERY("query string"),
    FORM("form fields");

    private final String label;

    ParamSource(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
