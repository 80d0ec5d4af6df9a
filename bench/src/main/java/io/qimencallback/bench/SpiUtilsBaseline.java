package io.qimencallback.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;
import com.taobao.api.internal.spi.CheckResult;
import com.taobao.api.internal.spi.SpiUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Objects;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.startup.Tomcat;

/**
 * The baseline of the load test: what integrators run today. One servlet on embedded Tomcat 9 (defaults: NIO
 * connector, 200 worker threads, at most 100 requests per keep-alive connection) that checks the sign with the
 * official SDK's {@code SpiUtils.checkSign} (it reads the body itself and hands it back), reads the document code with
 * a Jackson {@code XmlMapper} tree, and answers a Qimen XML success. Usage: {@code SpiUtilsBaseline PORT}, the secret
 * in the environment variable {@code BASELINE_SECRET} (kept off the command line, where {@code ps} shows it).
 */
public final class SpiUtilsBaseline {
    private SpiUtilsBaseline() {
    }

    public static void main(String[] args) throws LifecycleException, IOException {
        int port = Integer.parseInt(args[0]);
        String secret = Objects.requireNonNull(System.getenv("BASELINE_SECRET"), "BASELINE_SECRET is not set");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("spiutils-baseline").toString());
        tomcat.setPort(port);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        Context context = tomcat.addContext("", null);
        Tomcat.addServlet(context, "qimen", new QimenServlet(secret));
        context.addServletMappingDecoded("/qimen", "qimen");
        tomcat.start();
        System.out.println("SpiUtils baseline listening on 127.0.0.1:" + port);
        tomcat.getServer().await();
    }

    /** The servlet as the Qimen documentation's sample has it: check the sign, parse, answer. */
    static final class QimenServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private static final XmlMapper XML = new XmlMapper();
        private final String secret;

        QimenServlet(String secret) {
            this.secret = Objects.requireNonNull(secret, "secret");
        }

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String answer;
            try {
                CheckResult check = SpiUtils.checkSign(request, secret);
                if (check.isSuccess()) {
                    JsonNode order = XML.readTree(check.getRequestBody());
                    String code = order.at("/deliveryOrder/deliveryOrderCode").asText();
                    answer = "<response><flag>success</flag><code>0</code><message>ok</message><deliveryOrderId>WMS-"
                            + escape(code) + "</deliveryOrderId></response>";
                } else {
                    answer = failure("sign-check-failure", "Illegal request");
                }
            } catch (IOException | RuntimeException e) {
                // SpiUtils throws RuntimeException for a content type it does not know; Jackson for a bad body
                answer = failure("bad-request", "unreadable request");
            }
            response.setContentType("text/xml;charset=utf-8");
            response.getWriter().write("<?xml version=\"1.0\" encoding=\"utf-8\"?>" + answer);
        }

        private static String failure(String code, String message) {
            return "<response><flag>failure</flag><code>" + code + "</code><message>" + message + "</message></response>";
        }

        private static String escape(String s) {
            return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
        }
    }
}
