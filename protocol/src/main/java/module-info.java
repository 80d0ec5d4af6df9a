/**
 * The Qimen wire protocol and the handler SPI: what an ERP adapter compiles against.
 *
 * <p>Exported: {@code io.qimencallback.protocol} (requests, answers, error codes), {@code .handler} (the handler
 * SPIs and their registry) and {@code .model} (typed bodies and answers). The {@code .internal} packages (parsing,
 * signing, masking, rendering) are the server's and may change in any release.
 */
module io.qimencallback.protocol {
    // in the API: JsonNode (QimenRequest, QimenResponse, the models), Logger and MeterRegistry (HandlerContext)
    requires transitive com.fasterxml.jackson.databind;
    requires transitive org.slf4j;
    requires transitive micrometer.core;
    requires com.fasterxml.jackson.dataformat.xml;
    requires com.ctc.wstx;
    requires org.apache.commons.codec;

    exports io.qimencallback.protocol;
    exports io.qimencallback.protocol.handler;
    exports io.qimencallback.protocol.model;

    // the records are built and read by reflection; their (de)serializers are package-private
    opens io.qimencallback.protocol.model to com.fasterxml.jackson.databind;

    uses io.qimencallback.protocol.handler.QimenHandler;
    uses io.qimencallback.protocol.handler.InboxHandler;
}
