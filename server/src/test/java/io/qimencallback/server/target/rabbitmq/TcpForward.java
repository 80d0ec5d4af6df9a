package io.qimencallback.server.target.rabbitmq;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP relay from a port to the broker: "the broker comes back" is starting one on a closed port; "the
 * network drops the connection while publishes wait for their confirms" is {@link #hold} then {@link #cut}.
 */
final class TcpForward implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    /** While set, nothing the broker sends reaches the client (its confirms wait in the relay). */
    private volatile boolean holding;

    TcpForward(int port, int to) throws IOException {
        server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket in = server.accept();
                    Socket out = new Socket(InetAddress.getLoopbackAddress(), to);
                    sockets.add(in);
                    sockets.add(out);
                    pump(in, out, false);
                    pump(out, in, true);
                } catch (IOException e) {
                    // closed
                }
            }
        }, "tcp-forward-" + port);
        accept.setDaemon(true);
        accept.start();
    }

    /** A free loopback port, closed again: nothing listens there. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Holds back what the broker sends, until {@link #cut}. */
    void hold() {
        holding = true;
    }

    /** Closes every relayed connection at once, as a network failure would; new ones pass again. */
    void cut() {
        List<Socket> open = List.copyOf(sockets);
        sockets.removeAll(open);
        open.forEach(TcpForward::close);
        holding = false;
    }

    private void pump(Socket from, Socket to, boolean fromBroker) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buf)) != -1; ) {
                    while (fromBroker && holding && !to.isClosed()) {
                        Thread.sleep(1);
                    }
                    out.write(buf, 0, n);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                // one side closed
            } finally {
                close(from);
                close(to);
            }
        }, "tcp-forward-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        sockets.forEach(TcpForward::close);
    }
}
