/* The libuv transport (being written). */
#include "config.h"

#include "cassl/uv.h"
