package org.omatwin.dmclient;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A package download that breaks mid-way is resumed with Range and If-Range (dm-api.md section 8). */
class PackageDownloadTest {

    @Test
    void aBrokenDownloadIsResumedWhereItStopped() throws Exception {
        byte[] content = new byte[300_000];
        new Random(3).nextBytes(content);
        String etag = "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)) + "\"";
        List<String> ranges = new CopyOnWriteArrayList<>();
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Thread serving = new Thread(() -> {
                for (int i = 0; i < 2; i++) {
                    try (Socket s = server.accept()) {
                        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                                StandardCharsets.ISO_8859_1));
                        String range = null;
                        String ifRange = null;
                        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                            String lower = line.toLowerCase(Locale.ROOT);
                            if (lower.startsWith("range:")) {
                                range = line.substring(6).strip();
                            } else if (lower.startsWith("if-range:")) {
                                ifRange = line.substring(9).strip();
                            }
                        }
                        ranges.add(range + " if-range " + ifRange);
                        OutputStream out = s.getOutputStream();
                        if (i == 0) { // the whole content announced, the connection lost after 100,000 bytes
                            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + content.length + "\r\nETag: " + etag
                                    + "\r\nAccept-Ranges: bytes\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                            out.write(content, 0, 100_000);
                            out.flush();
                            continue;
                        }
                        int from = Integer.parseInt(range.substring("bytes=".length(), range.indexOf('-')));
                        out.write(("HTTP/1.1 206 Partial Content\r\nContent-Length: " + (content.length - from)
                                + "\r\nContent-Range: bytes " + from + "-" + (content.length - 1) + "/"
                                + content.length + "\r\nETag: " + etag + "\r\nConnection: close\r\n\r\n")
                                .getBytes(StandardCharsets.ISO_8859_1));
                        out.write(content, from, content.length - from);
                        out.flush();
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            serving.setDaemon(true);
            serving.start();

            URI base = URI.create("http://127.0.0.1:" + server.getLocalPort() + "/dm/v2");
            DmClient client = new DmClient(base, TokenSource.fixed("t"),
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());
            DmClient.Download d = client.download(base.resolve("/pkg"), Duration.ofSeconds(10)).get(20,
                    TimeUnit.SECONDS);
            assertThat(d.size()).isEqualTo(content.length);
            assertThat("\"" + d.sha256() + "\"").isEqualTo(etag);
            assertThat(ranges).containsExactly("null if-range null", "bytes=100000- if-range " + etag);
        }
    }
}
