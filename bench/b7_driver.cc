/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* B7: the driver path. The cpp-driver backend (integrations/cpp-driver) driven by the driver
 * stand-in's socket loop (tests/driver/standin: SocketConnector's handshake, Socket::write
 * encrypting in 8 KiB pieces into the 16 KiB + 5 ring, Socket::read_once decrypting into an
 * 8 KiB buffer) over loopback TCP to the forked GnuTLS server, against the same loop over an
 * OpenSSL session on ring-buffer BIOs, shaped like the driver's OpenSSL backend (the
 * baseline: OpenSSL is linked into this program only; it negotiates TLS 1.3 like the library,
 * where the driver's OpenSSL backend caps at 1.2). Uploads in 16 KiB and 1 KiB application
 * writes and a download; throughput (wall) and the client thread's CPU per MiB. */
#include "ssl.hpp"
#include "socket_connector.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <stdio.h>
#include <string.h>

extern "C" {
#include "bench.h"
#include "cassl/version.h"
}

using namespace datastax;
using namespace datastax::internal;
using namespace datastax::internal::core;

/* ---- the baseline: an OpenSSL session on the driver's ring buffers ------------------------ */

namespace {

// A BIO over a rb::RingBuffer, as the driver's OpenSSL backend has (its RingBufferBio):
// reads take bytes from the front (none: retry), writes append.
int ring_write(BIO* b, const char* data, int len) {
  static_cast<rb::RingBuffer*>(BIO_get_data(b))->write(data, static_cast<size_t>(len));
  return len;
}

int ring_read(BIO* b, char* out, int len) {
  rb::RingBuffer* ring = static_cast<rb::RingBuffer*>(BIO_get_data(b));
  BIO_clear_retry_flags(b);
  size_t n = ring->read(out, static_cast<size_t>(len));
  if (n == 0) {
    BIO_set_retry_read(b);
    return -1;
  }
  return static_cast<int>(n);
}

long ring_ctrl(BIO* b, int cmd, long, void*) {
  rb::RingBuffer* ring = static_cast<rb::RingBuffer*>(BIO_get_data(b));
  switch (cmd) {
    case BIO_CTRL_PENDING:
      return static_cast<long>(ring->length());
    case BIO_CTRL_WPENDING:
      return 0;
    case BIO_CTRL_FLUSH:
      return 1;
    default:
      return 0;
  }
}

BIO_METHOD* ring_method() {
  static BIO_METHOD* method;
  if (method == NULL) {
    method = BIO_meth_new(BIO_TYPE_SOURCE_SINK | 0x80, "driver ring buffer");
    BIO_meth_set_write(method, ring_write);
    BIO_meth_set_read(method, ring_read);
    BIO_meth_set_ctrl(method, ring_ctrl);
  }
  return method;
}

BIO* ring_bio(rb::RingBuffer* ring) {
  BIO* b = BIO_new(ring_method());
  BIO_set_data(b, ring);
  BIO_set_init(b, 1);
  return b;
}

class OpenSslBenchSession : public SslSession {
public:
  OpenSslBenchSession(const Address& address, int flags, SSL_CTX* ctx)
      : SslSession(address, String(), String(), flags)
      , ssl_(SSL_new(ctx)) {
    SSL_set_bio(ssl_, ring_bio(&incoming_), ring_bio(&outgoing_));
    SSL_set_connect_state(ssl_);
  }
  ~OpenSslBenchSession() { SSL_free(ssl_); }

  virtual bool is_handshake_done() const { return SSL_is_init_finished(ssl_) != 0; }
  // The flight that ends the handshake (the client's Finished) is held and sent in front of
  // the first encrypt(), as the cpp-driver backend does (CASSL_SESSION_HOLD_FINAL_FLIGHT):
  // the stand-in's loop waits for a read after a step that wrote something, and a GnuTLS
  // server sends its tickets with its own flight, so none would come.
  virtual void do_handshake() {
    int rc = SSL_connect(ssl_);
    if (rc <= 0) {
      check_error(rc);
      return;
    }
    held_.resize(outgoing_.length());
    outgoing_.read(&held_[0], held_.size());
  }
  // As the driver: the chain was checked during the handshake, the verdict is read here.
  virtual void verify() {
    if (!(verify_flags_ & CASS_SSL_VERIFY_PEER_CERT)) return;
    X509* peer = SSL_get1_peer_certificate(ssl_);
    if (peer == NULL) {
      error_code_ = CASS_ERROR_SSL_NO_PEER_CERT;
      error_message_ = "No peer certificate found";
      return;
    }
    X509_free(peer);
    long rc = SSL_get_verify_result(ssl_);
    if (rc != X509_V_OK) {
      error_code_ = CASS_ERROR_SSL_INVALID_PEER_CERT;
      error_message_ = X509_verify_cert_error_string(rc);
    }
  }
  virtual int encrypt(const char* buf, size_t size) {
    if (!held_.empty()) {
      outgoing_.write(held_.data(), held_.size());
      held_.clear();
    }
    int rc = SSL_write(ssl_, buf, static_cast<int>(size));
    if (rc <= 0) check_error(rc);
    return rc;
  }
  virtual int decrypt(char* buf, size_t size) {
    int rc = SSL_read(ssl_, buf, static_cast<int>(size));
    if (rc <= 0) check_error(rc);
    return rc;
  }
  const char* cipher() const { return SSL_get_cipher_name(ssl_); }

private:
  void check_error(int rc) {
    int err = SSL_get_error(ssl_, rc);
    if (err == SSL_ERROR_ZERO_RETURN) {
      error_code_ = CASS_ERROR_SSL_CLOSED;
      error_message_ = "closed";
    } else if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_NONE) {
      char text[256];
      ERR_error_string_n(ERR_get_error(), text, sizeof(text));
      error_code_ = CASS_ERROR_SSL_PROTOCOL_ERROR;
      error_message_ = text;
    }
  }
  SSL* ssl_;
  String held_;
};

class OpenSslBenchContext : public SslContext {
public:
  OpenSslBenchContext()
      : ctx_(SSL_CTX_new(TLS_client_method())) {
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_NONE, NULL);
  }
  ~OpenSslBenchContext() { SSL_CTX_free(ctx_); }
  virtual SslSession* create_session(const Address& address, const String&, const String&) {
    return new OpenSslBenchSession(address, verify_flags_, ctx_);
  }
  virtual CassError add_trusted_cert(const char* cert, size_t cert_length) {
    BIO* bio = BIO_new_mem_buf(cert, static_cast<int>(cert_length));
    X509* x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
    BIO_free(bio);
    if (x == NULL) return CASS_ERROR_SSL_INVALID_CERT;
    X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx_), x);
    X509_free(x);
    return CASS_OK;
  }
  virtual CassError set_cert(const char*, size_t) { return CASS_ERROR_LIB_NOT_IMPLEMENTED; }
  virtual CassError set_private_key(const char*, size_t, const char*, size_t) {
    return CASS_ERROR_LIB_NOT_IMPLEMENTED;
  }
  virtual CassError set_min_protocol_version(CassSslTlsVersion) { return CASS_OK; }

private:
  SSL_CTX* ctx_;
};

/* ---- one connection's transfer -------------------------------------------------------------- */

enum Engine { OPENSSL, CASSL };

struct Transfer {
  double seconds; // wall
  double cpu;     // client thread
};

Socket* connect_socket(const SslContext::Ptr& context, uint16_t port, int engine) {
  SocketSettings settings;
  settings.ssl_context = context;
  settings.timeout_ms = 60000;
  SocketConnector connector(Address("127.0.0.1", port), String(), settings);
  connector.connect();
  if (!connector.is_ok())
    bench_die("%s: driver connect: %s (%u steps)", engine == OPENSSL ? "OpenSSL" : "cassl",
              connector.error_message().c_str(), connector.handshake_steps());
  return connector.release_socket();
}

String command(char cmd, uint64_t n) {
  unsigned char hdr[9];
  hdr[0] = static_cast<unsigned char>(cmd);
  bench_put_u64(hdr + 1, n);
  return String(reinterpret_cast<const char*>(hdr), sizeof(hdr));
}

// Upload: the application writes total bytes in pieces of write_size (each one write, as the
// driver's request writes), then waits for the server's 'K'.
Transfer upload(Socket* socket, size_t total, const String& piece) {
  double w0 = bench_wall(), c0 = bench_thread_cpu();
  if (!socket->write(command('U', total))) bench_die("driver write failed");
  for (size_t done = 0; done < total; done += piece.size())
    if (!socket->write(piece)) bench_die("driver write failed");
  socket->plaintext().clear();
  if (!socket->read_at_least(1) || socket->plaintext()[0] != 'K')
    bench_die("no acknowledgement: %s", socket->ssl_session()->error_message().c_str());
  socket->plaintext().clear();
  Transfer t = { bench_wall() - w0, bench_thread_cpu() - c0 };
  return t;
}

// Download: the server sends total bytes; the loop reads and decrypts them, dropping the
// plaintext as it goes (the driver hands it to its decoder).
Transfer download(Socket* socket, size_t total) {
  double w0 = bench_wall(), c0 = bench_thread_cpu();
  if (!socket->write(command('D', total))) bench_die("driver write failed");
  size_t got = 0;
  while (got < total) {
    socket->plaintext().clear();
    if (!socket->read_once())
      bench_die("download: %s", socket->ssl_session()->error_message().c_str());
    got += socket->plaintext().size();
  }
  socket->plaintext().clear();
  Transfer t = { bench_wall() - w0, bench_thread_cpu() - c0 };
  return t;
}

// --profile: one engine and one case, 2 GiB through one connection.
int profile(const char* name, const SslContext::Ptr* contexts, uint16_t port) {
  static const char* const cases[3] = { "up16", "up1", "down" };
  int engine = strncmp(name, "cassl-", 6) == 0 ? CASSL : strncmp(name, "openssl-", 8) == 0 ? OPENSSL : -1;
  const char* kind = engine < 0 ? "" : name + (engine == CASSL ? 6 : 8);
  int c = -1;
  for (int i = 0; i < 3; i++)
    if (strcmp(kind, cases[i]) == 0) c = i;
  if (engine < 0 || c < 0)
    bench_die("--profile: no case %s (cassl-up16, cassl-up1, cassl-down, openssl-up16, "
              "openssl-up1, openssl-down)", name);
  Socket* socket = connect_socket(contexts[engine], port, engine);
  String piece(c == 1 ? 1024 : 16384, 'x');
  for (int i = 0; i < 32; i++) {
    if (c == 2)
      download(socket, 64u << 20);
    else
      upload(socket, 64u << 20, piece);
  }
  delete socket;
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  struct bench_opts o;
  bench_parse(argc, argv, &o,
              "B7: the cpp-driver backend in the driver's socket loop vs an OpenSSL engine "
              "shaped like the driver's OpenSSL backend\n"
              "--profile cases: cassl-up16, cassl-up1, cassl-down, openssl-up16, openssl-up1, "
              "openssl-down (2 GiB through one connection)\n");
  // Rounds are cheap (under a second each) and TCP figures are noisy: enough of them that
  // the interquartile range of each ratio is narrow; the first rounds warm the caches, the
  // allocator and the server's threads and are discarded.
  int runs = bench_runs(&o, 25, 5);
  int warmup = bench_warmup(&o, 2);
  size_t total = (o.quick ? 16u : 64u) << 20;
  static const size_t sizes[2] = { 16384, 1024 };

  struct bench_pki pki;
  bench_pki_make(&pki);
  // With session tickets, as Cassandra's TLS 1.3 sends them: the driver's handshake loop
  // finishes on the read that brings them (an OpenSSL client whose Finished ends the
  // handshake would otherwise wait for a read that never comes).
  gnutls_datum_t ticket_key;
  if (gnutls_session_ticket_key_generate(&ticket_key) < 0)
    bench_die("gnutls_session_ticket_key_generate failed");
  struct bench_server srv;
  bench_server_start_tickets(&srv, &pki, 2, &ticket_key);

  SslContextFactory::init_once();
  SslContext::Ptr contexts[2];
  contexts[OPENSSL].reset(new OpenSslBenchContext());
  contexts[CASSL] = SslContextFactory::create();
  for (int e = 0; e < 2; e++) {
    contexts[e]->set_verify_flags(CASS_SSL_VERIFY_PEER_CERT);
    if (contexts[e]->add_trusted_cert(pki.ca_pem, strlen(pki.ca_pem)) != CASS_OK)
      bench_die("cannot trust the bench CA");
  }

  if (o.profile) {
    int rc = profile(o.profile, contexts, srv.tls_port);
    contexts[0].reset();
    contexts[1].reset();
    bench_server_stop(&srv);
    gnutls_free(ticket_key.data);
    return rc;
  }

  // [direction][size][engine][run]
  double mbps[2][2][2][BENCH_MAX_RUNS], cpu[2][2][2][BENCH_MAX_RUNS];
  double mb_ratio[2][2][BENCH_MAX_RUNS], cpu_ratio[2][2][BENCH_MAX_RUNS];
  String cipher[2];
  for (int round = 0; round < warmup + runs; round++) {
    // Warm-up rounds are measured into slot 0 and overwritten by the first kept round.
    int r = round < warmup ? 0 : round - warmup;
    for (int s = 0; s < 2; s++) {
      String piece(sizes[s], 'x');
      for (int step = 0; step < 2; step++) {
        // Alternate which engine goes first, so drifting load weighs on both alike.
        int first = (round + s) % 2 == 0 ? OPENSSL : CASSL;
        int e = step == 0 ? first : 1 - first;
        Socket* socket = connect_socket(contexts[e], srv.tls_port, e);
        if (e == OPENSSL)
          cipher[e] = static_cast<OpenSslBenchSession*>(socket->ssl_session())->cipher();
        else {
          const cassl_session* cs = static_cast<CasslSession*>(socket->ssl_session())->cassl();
          cassl_session_info info;
          if (cassl_session_get_info(cs, &info) == CASS_OK) cipher[e] = info.cipher;
        }
        double mib = static_cast<double>(total) / (1024.0 * 1024.0);
        Transfer up = upload(socket, total, piece);
        mbps[0][s][e][r] = total / up.seconds / 1e6;
        cpu[0][s][e][r] = up.cpu / mib * 1e3;
        if (s == 0) {
          // The server's record sizes are its own: one download row.
          Transfer down = download(socket, total);
          mbps[1][s][e][r] = total / down.seconds / 1e6;
          cpu[1][s][e][r] = down.cpu / mib * 1e3;
        }
        delete socket;
      }
      for (int d = 0; d < (s == 0 ? 2 : 1); d++) {
        mb_ratio[d][s][r] = mbps[d][s][CASSL][r] / mbps[d][s][OPENSSL][r];
        cpu_ratio[d][s][r] = cpu[d][s][OPENSSL][r] / cpu[d][s][CASSL][r];
      }
    }
  }

  struct bench_report* rep = bench_report_new(
      "B7", "the driver path: cpp-driver backend vs an OpenSSL engine shaped like the driver's",
      runs, &o);
  bench_report_param(rep, "bytes_each_way", "%zu", total);
  bench_report_param(rep, "warmup_rounds", "%d (discarded)", warmup);
  bench_report_param(rep, "cpu", "%s", "CLOCK_THREAD_CPUTIME_ID of the client thread (user + "
                     "kernel), the server in its own process");
  bench_report_param(rep, "engines", "cassl %s, OpenSSL %s (%s)", cassl_version(),
                     OpenSSL_version(OPENSSL_VERSION), "ring-buffer BIOs, 8 KiB encrypt pieces");
  bench_report_param(rep, "ciphers", "cassl %s, OpenSSL %s", cipher[CASSL].c_str(),
                     cipher[OPENSSL].c_str());
  static char label[2][2][2][48];
  static const char* dir_name[2] = { "upload", "download" };
  for (int d = 0; d < 2; d++)
    for (int s = 0; s < (d == 0 ? 2 : 1); s++) {
      const char* size_name = s == 0 ? "16 KiB" : "1 KiB";
      if (d == 0) {
        snprintf(label[d][s][0], sizeof label[d][s][0], "%s, %s writes, MB/s", dir_name[d],
                 size_name);
        snprintf(label[d][s][1], sizeof label[d][s][1], "%s, %s writes, CPU", dir_name[d],
                 size_name);
      } else {
        snprintf(label[d][s][0], sizeof label[d][s][0], "%s, MB/s", dir_name[d]);
        snprintf(label[d][s][1], sizeof label[d][s][1], "%s, CPU", dir_name[d]);
      }
      struct bench_row tput = {};
      tput.label = label[d][s][0];
      tput.base_name = "the stand-in's loop over the OpenSSL engine";
      tput.subj_name = "the stand-in's loop over the cpp-driver backend (libcassl)";
      tput.unit = "MB/s";
      tput.base = bench_stat_of(mbps[d][s][OPENSSL], runs);
      tput.subj = bench_stat_of(mbps[d][s][CASSL], runs);
      tput.ratio = bench_stat_of(mb_ratio[d][s], runs);
      tput.ratio_meaning = "cassl MB/s / OpenSSL MB/s (wall; the server and the machine's load "
                           "weigh on both)";
      bench_report_add(rep, &tput);
      struct bench_row c = tput;
      c.label = label[d][s][1];
      c.unit = "ms CPU/MiB";
      c.base = bench_stat_of(cpu[d][s][OPENSSL], runs);
      c.subj = bench_stat_of(cpu[d][s][CASSL], runs);
      c.ratio = bench_stat_of(cpu_ratio[d][s], runs);
      c.ratio_meaning = "OpenSSL CPU / cassl CPU of the client thread per MiB (times cheaper)";
      if (d == 0) {
        c.goal_op = ">=";
        c.goal = s == 0 ? 1.2 : 1.5;
      }
      bench_report_add(rep, &c);
    }
  int rc = bench_report_finish(rep);
  contexts[0].reset();
  contexts[1].reset();
  bench_server_stop(&srv);
  gnutls_free(ticket_key.data);
  return rc;
}
