package io.qimencallback.protocol.model;

/**
 * What a model record's constructor throws when a required field is absent or blank. {@link
 * io.qimencallback.protocol.QimenRequest#bodyAs} turns it into a {@code missing-parameter} failure naming the field's
 * path in the body; code building a record itself gets it as the {@link IllegalArgumentException} it is.
 */
public final class MissingFieldException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** The field's name in the body: text, never a value. */
    private final String field;

    /**
     * An exception naming the field.
     *
     * @param field the field's name in the body, e.g. {@code deliveryOrderCode}
     */
    public MissingFieldException(String field) {
        super(field + " is required");
        this.field = field;
    }

    /**
     * The field's name in the body.
     *
     * @return e.g. {@code deliveryOrderCode}
     */
    public String field() {
        return field;
    }
}
