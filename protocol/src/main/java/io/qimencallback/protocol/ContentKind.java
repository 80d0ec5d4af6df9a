package io.qimencallback.protocol;

/** What a request body is, as far as signing and parsing are concerned (spec §2.4, §3.1). */
public enum ContentKind {
    /** XML body, signed as text. */
    XML,
    /** JSON body, signed as text. */
    JSON,
    /** {@code application/x-www-form-urlencoded}: the fields are signed as parameters, the body text is not. */
    FORM,
    /** Any other body: signed as text, not parsed. */
    TEXT,
    /** No body. */
    NONE;

    /** {@return whether the raw body bytes are part of the signed string} */
    public boolean signsBodyText() {
        return this != FORM && this != NONE;
    }
}
