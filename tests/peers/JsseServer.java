/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* A small JSSE TLS server, the TLS stack Cassandra nodes use, for the interop tests.
 *
 * java JsseServer --keystore FILE --storepass PW [--truststore FILE] [--trustpass PW]
 *                 [--client-auth none|want|need] [--need-client-auth true|false]
 *                 [--protocols TLSv1.2,TLSv1.3] [--bind 127.0.0.1|::1] [--mode echo|cql]
 *
 * Binds port 0 and prints "PORT <n>" on stdout once listening; everything else goes to
 * stderr. Each connection gets its own thread: handshake, then either echo every byte back
 * (echo) or answer CQL v4 OPTIONS with SUPPORTED and STARTUP with READY, stream ids kept
 * (cql). Store types are detected from the files (JKS or PKCS#12, as keytool made them), and
 * a PEM keystore (an encrypted PKCS#8 key and its certificate chain, storepass its password)
 * is read the way Cassandra 4.1's PEMBasedSslContextFactory reads one (pemKeyStore). */
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

public final class JsseServer {
  private static final int OP_ERROR = 0x00;
  private static final int OP_STARTUP = 0x01;
  private static final int OP_READY = 0x02;
  private static final int OP_OPTIONS = 0x05;
  private static final int OP_SUPPORTED = 0x06;
  private static final int MAX_BODY = 256 * 1024 * 1024;

  private static KeyStore loadKeyStore(File file, String pass) throws Exception {
    String text = new String(Files.readAllBytes(file.toPath()), StandardCharsets.ISO_8859_1);
    if (!text.contains("-----BEGIN ")) {
      return KeyStore.getInstance(file, pass.toCharArray());
    }
    return pemKeyStore(text, pass);
  }

  private static final Pattern PEM_KEY = Pattern.compile(
      "-----BEGIN ENCRYPTED PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END ENCRYPTED PRIVATE KEY-----");
  private static final Pattern PEM_CERT = Pattern.compile(
      "-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\\s]+)-----END CERTIFICATE-----");

  /* Cassandra 4.1's PEMReader: the key's encryption is looked up by the name
   * EncryptedPrivateKeyInfo gives it, as a SecretKeyFactory and as a Cipher, so a scheme the
   * JDK cannot look up that way fails here as it fails on the node; then the key is tried as
   * RSA, EC and DSA, and every certificate in the file is the chain. */
  private static KeyStore pemKeyStore(String text, String pass) throws Exception {
    Matcher km = PEM_KEY.matcher(text);
    if (!km.find()) {
      throw new IllegalArgumentException("the PEM keystore holds no ENCRYPTED PRIVATE KEY");
    }
    EncryptedPrivateKeyInfo epki =
        new EncryptedPrivateKeyInfo(Base64.getMimeDecoder().decode(km.group(1)));
    System.err.println("PEM keystore: key encrypted with " + epki.getAlgName());
    Key secret = SecretKeyFactory.getInstance(epki.getAlgName())
        .generateSecret(new PBEKeySpec(pass.toCharArray()));
    Cipher cipher = Cipher.getInstance(epki.getAlgName());
    cipher.init(Cipher.DECRYPT_MODE, secret, epki.getAlgParameters());
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(cipher.doFinal(epki.getEncryptedData()));
    PrivateKey key = null;
    for (String alg : new String[] {"RSA", "EC", "DSA"}) {
      try {
        key = KeyFactory.getInstance(alg).generatePrivate(spec);
        break;
      } catch (java.security.spec.InvalidKeySpecException e) {
        // the next algorithm
      }
    }
    if (key == null) {
      throw new IllegalArgumentException("the PEM keystore's key is not RSA, EC or DSA");
    }
    List<Certificate> chain = new ArrayList<>();
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    for (Matcher cm = PEM_CERT.matcher(text); cm.find(); ) {
      chain.add(cf.generateCertificate(
          new ByteArrayInputStream(Base64.getMimeDecoder().decode(cm.group(1)))));
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("node", key, pass.toCharArray(), chain.toArray(new Certificate[0]));
    return ks;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = parse(args);
    String storepass = opt.getOrDefault("storepass", "");
    KeyStore ks = loadKeyStore(new File(require(opt, "keystore")), storepass);
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, storepass.toCharArray());

    TrustManagerFactory tmf = null;
    if (opt.containsKey("truststore")) {
      String trustpass = opt.getOrDefault("trustpass", storepass);
      KeyStore ts = KeyStore.getInstance(new File(opt.get("truststore")), trustpass.toCharArray());
      tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ts);
    }
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);

    String auth = opt.getOrDefault("client-auth", "none");
    if ("true".equals(opt.get("need-client-auth"))) {
      auth = "need";
    }
    String mode = opt.getOrDefault("mode", "echo");
    if (!mode.equals("echo") && !mode.equals("cql")) {
      throw new IllegalArgumentException("--mode must be echo or cql");
    }

    SSLServerSocket server = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(InetAddress.getByName(opt.getOrDefault("bind", "127.0.0.1")), 0), 16);
    if (opt.containsKey("protocols")) {
      server.setEnabledProtocols(opt.get("protocols").split(","));
    }
    switch (auth) {
      case "need": server.setNeedClientAuth(true); break;
      case "want": server.setWantClientAuth(true); break;
      case "none": break;
      default: throw new IllegalArgumentException("--client-auth must be none, want or need");
    }

    System.out.println("PORT " + server.getLocalPort());
    System.out.flush();

    final String connMode = mode;
    while (true) {
      SSLSocket s = (SSLSocket) server.accept();
      Thread t = new Thread(() -> serve(s, connMode));
      t.setDaemon(true);
      t.start();
    }
  }

  private static void serve(SSLSocket s, String mode) {
    try (SSLSocket sock = s) {
      sock.setTcpNoDelay(true);
      sock.startHandshake();
      System.err.println("handshake done: " + sock.getSession().getProtocol() + " "
          + sock.getSession().getCipherSuite());
      if (mode.equals("echo")) {
        echo(sock.getInputStream(), sock.getOutputStream());
      } else {
        cql(new DataInputStream(sock.getInputStream()), sock.getOutputStream());
      }
    } catch (EOFException e) {
      System.err.println("connection closed by the client");
    } catch (IOException e) {
      System.err.println("connection failed: " + e);
    }
  }

  private static void echo(InputStream in, OutputStream out) throws IOException {
    byte[] buf = new byte[65536];
    int n;
    while ((n = in.read(buf)) > 0) {
      out.write(buf, 0, n);
      out.flush();
    }
  }

  /* CQL v4 frame header: version, flags, stream (2 bytes), opcode, body length (4 bytes). */
  private static void cql(DataInputStream in, OutputStream out) throws IOException {
    while (true) {
      int version = in.readUnsignedByte();
      in.readUnsignedByte(); /* flags: no compression or tracing is offered */
      short stream = in.readShort();
      int opcode = in.readUnsignedByte();
      int length = in.readInt();
      if (length < 0 || length > MAX_BODY) {
        throw new IOException("frame body length " + length + " out of range");
      }
      in.readFully(new byte[length]);
      int rversion = (version & 0x7f) | 0x80;
      if ((version & 0x7f) != 4) {
        frame(out, rversion, stream, OP_ERROR,
            error(0x000A, "Invalid or unsupported protocol version (" + (version & 0x7f)
                + "); supported versions are (4/v4)"));
      } else if (opcode == OP_OPTIONS) {
        frame(out, rversion, stream, OP_SUPPORTED, supported());
      } else if (opcode == OP_STARTUP) {
        frame(out, rversion, stream, OP_READY, new byte[0]);
      } else {
        frame(out, rversion, stream, OP_ERROR,
            error(0x000A, "opcode " + opcode + " is not supported by this test server"));
      }
    }
  }

  private static byte[] supported() {
    ByteBuffer b = ByteBuffer.allocate(256);
    b.putShort((short) 2);
    string(b, "CQL_VERSION");
    b.putShort((short) 1);
    string(b, "3.4.5");
    string(b, "COMPRESSION");
    b.putShort((short) 0);
    byte[] body = new byte[b.position()];
    b.flip();
    b.get(body);
    return body;
  }

  private static byte[] error(int code, String message) {
    byte[] text = message.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(4 + 2 + text.length);
    b.putInt(code);
    b.putShort((short) text.length);
    b.put(text);
    return b.array();
  }

  private static void string(ByteBuffer b, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    b.putShort((short) bytes.length);
    b.put(bytes);
  }

  private static void frame(OutputStream out, int version, short stream, int opcode, byte[] body)
      throws IOException {
    ByteBuffer h = ByteBuffer.allocate(9 + body.length);
    h.put((byte) version).put((byte) 0).putShort(stream).put((byte) opcode).putInt(body.length);
    h.put(body);
    out.write(h.array());
    out.flush();
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> opt = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value, got " + args[i]);
      }
      opt.put(args[i].substring(2), args[++i]);
    }
    return opt;
  }

  private static String require(Map<String, String> opt, String name) {
    String v = opt.get(name);
    if (v == null) {
      throw new IllegalArgumentException("--" + name + " is required");
    }
    return v;
  }
}
