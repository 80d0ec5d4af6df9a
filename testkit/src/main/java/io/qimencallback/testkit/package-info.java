/**
 * Testing Qimen handler plugins (the artifact {@code io.qimencallback:qimen-testkit}, test scope).
 *
 * <ul>
 *   <li>{@link io.qimencallback.testkit.QimenRequests}: a verified {@code QimenRequest} for a plain unit test of
 *       {@code handle}, made through the server's own parsing and signature checks;</li>
 *   <li>{@link io.qimencallback.testkit.QimenServerExtension}: a real server on free ports for end-to-end tests, with
 *       a {@link io.qimencallback.testkit.Gateway} that signs and sends calls as the Qimen gateway does;</li>
 *   <li>{@link io.qimencallback.testkit.QimenAnswer} and {@link io.qimencallback.testkit.QimenResponses}: answers
 *       read as the gateway reads them;</li>
 *   <li>{@link io.qimencallback.testkit.Fixtures}: the bundled sample calls, one per API.</li>
 * </ul>
 */
package io.qimencallback.testkit;
