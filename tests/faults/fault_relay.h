/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* A record-aware TCP relay for the fault table (test_faults): it sits between the client
 * and a TLS server on loopback, splits the server's byte stream into TLS records, and does
 * one thing wrong at a chosen record: cut the connection, stall, flip a byte, send an
 * oversized record or send garbage instead. Client bytes pass through unchanged.
 *
 * Records are counted from 0 in the server-to-client direction; the relay notes each
 * record's content type, length and (for plaintext handshake records) message type, so a
 * test can first watch a clean handshake and then inject a fault at each of its steps. */
#ifndef CASSL_TESTS_FAULT_RELAY_H
#define CASSL_TESTS_FAULT_RELAY_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#define FR_MAX_RECORDS 64

enum fr_action {
  FR_FORWARD,   /* forward everything (watch only) */
  FR_CUT,       /* forward records 0..at-1 (and at_offset bytes of record at), then FIN to
                   the client and close the server side; at = 0 cuts as soon as the client's
                   first record (the ClientHello) arrived */
  FR_STALL,     /* forward records 0..at-1, then forward nothing more, keep both sides
                   open and read the client's bytes until it closes */
  FR_FREEZE,    /* like FR_STALL, but stop reading the client too (its sends back up) */
  FR_CORRUPT,   /* flip the last byte of record at (a MAC/tag byte when encrypted) */
  FR_OVERSIZE,  /* replace record at by a record of its type with length oversize_len and
                   that many junk bytes; then forward nothing more */
  FR_GARBAGE    /* replace the server's bytes from record at on by garbage (garbage_len
                   bytes), then FIN */
};

struct fault_relay {
  /* set before fault_relay_start */
  int family;            /* AF_INET or AF_INET6 */
  int target_port;       /* the server, on the same loopback address */
  enum fr_action action;
  unsigned at;           /* record index */
  size_t at_offset;      /* FR_CUT: bytes of record at forwarded before the cut */
  size_t oversize_len;
  const void *garbage;
  size_t garbage_len;
  /* set by fault_relay_start */
  int port;              /* where the client connects */
  int fd;
  pthread_t thread;
  /* results (read after fault_relay_join, or atomically while it runs) */
  unsigned records;                       /* server records seen whole */
  unsigned forwarded;                     /* server records forwarded whole (atomic) */
  unsigned char type[FR_MAX_RECORDS];     /* content type of each record */
  unsigned char hs_type[FR_MAX_RECORDS];  /* first handshake message type, 0 if none */
  size_t len[FR_MAX_RECORDS];             /* record body length */
  int acted;                              /* the fault was injected */
  uint64_t from_client;                   /* client bytes received */
};

void fault_relay_start(struct fault_relay *r);
/* Waits for the relay thread (it ends when both sides are done) and closes its socket. */
void fault_relay_join(struct fault_relay *r);
/* Records forwarded so far (safe while the relay runs). */
unsigned fault_relay_forwarded(struct fault_relay *r);

#endif
