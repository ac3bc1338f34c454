/* The libuv transport (being written). */
#ifndef CASSL_UV_H
#define CASSL_UV_H
#include "cassl/session.h"
#endif
