/**
 * Typed bodies and answers of the ERP–WMS APIs (奇门仓储, {@code taobao.qimen.*}) that the bundled fixtures cover:
 * immutable records read with {@link io.qimencallback.protocol.QimenRequest#bodyAs(Class)} and answered with
 * {@link io.qimencallback.protocol.QimenResponse#success(Object)}.
 *
 * <p>Field names are the specification's, as the Qimen SDK classes and the protocol reference (§5) spell them; each
 * record says where its fields come from. Nothing sent is lost: fields not typed here are kept, as sent, in
 * {@code other()}, and {@code extendProps} is a map. Repeated elements ({@code orderLines/orderLine}) are lists whether
 * one or many came. Times ({@code "2016-07-06 12:00:00"}) and amounts ({@code "99.00"}) are kept as the text sent:
 * the specification fixes neither a time zone nor a scale. A body that does not map is answered with a
 * {@link io.qimencallback.protocol.QimenException}: {@code missing-parameter} for an absent document or document code,
 * {@code invalid-parameter} for a wrong shape. The records' constructors throw {@link IllegalArgumentException} when a
 * field documented as required is absent or blank, whether Jackson or a handler builds them.
 */
package io.qimencallback.protocol.model;
