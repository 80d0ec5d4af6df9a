package io.qimencallback.protocol.handler;

import io.qimencallback.protocol.QimenException;
import io.qimencallback.protocol.QimenRequest;
import io.qimencallback.protocol.QimenResponse;
import java.util.Set;

/**
 * What an ERP adapter implements: the answer to verified calls of one or more methods.
 *
 * <p>Found with {@link java.util.ServiceLoader} (list the class in
 * {@code META-INF/services/io.qimencallback.protocol.handler.QimenHandler} of the adapter's jar, then put the jar on
 * the classpath or in the server's plugins directory), or registered in code when the server is embedded. Needs a
 * public no-argument constructor for the former.
 *
 * <p>By default {@link #handle} runs on a worker thread, never on an I/O thread, and may block (call the ERP, a
 * database). It must be thread-safe: calls arrive concurrently. When the deadline passes, the caller is answered
 * {@code handler-timeout} and the worker is interrupted. A handler that answers from the request or from memory
 * declares {@link Execution#NON_BLOCKING} and runs on the I/O thread, without a thread hand-off; one that uses an
 * asynchronous client implements {@link AsyncQimenHandler}.
 */
public interface QimenHandler {

    /**
     * The methods this handler answers, in any form the gateway uses ({@code taobao.qimen.deliveryorder.create} and
     * {@code deliveryorder.create} are the same method). Two handlers claiming one method fail startup.
     *
     * @return the methods
     */
    Set<String> methods();

    /**
     * Answers one call.
     *
     * @param request the verified call
     * @return the answer
     * @throws QimenException to answer with a specific failure code and message
     * @throws Exception      anything else answers {@code system-error} with an error id that the log also carries
     */
    QimenResponse handle(QimenRequest request) throws Exception;

    /** {@return how {@link #handle} runs: {@link Execution#BLOCKING} (on a worker) unless the handler says otherwise} */
    default Execution execution() {
        return Execution.BLOCKING;
    }

    /**
     * The name of this handler's settings section ({@code plugins.<name>} in the YAML file, {@code QIMEN_PLUGINS_<NAME>_*}
     * in the environment) and of its logger ({@code qimen.plugin.<name>}, {@link HandlerContext#logger()}); handlers
     * of one plugin may share a name. Default: the class's simple name.
     *
     * @return the name
     */
    default String name() {
        return getClass().getSimpleName();
    }

    /**
     * Called once before the first call, on the starting thread: read settings, open clients. An exception stops the
     * server's start, naming this handler, its jar and the cause.
     *
     * @param context the handler's settings, logger and meters
     * @throws Exception to stop the server's start
     */
    default void start(HandlerContext context) throws Exception {
    }

    /**
     * Called once when the server stops, after the last call was answered: close clients.
     *
     * @throws Exception logged; the server stops all the same
     */
    default void close() throws Exception {
    }
}
