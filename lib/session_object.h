/* The core session object (defined by session.c). */
#ifndef CASSL_SESSION_OBJECT_H
#define CASSL_SESSION_OBJECT_H
#include "cassl/session.h"
#endif
