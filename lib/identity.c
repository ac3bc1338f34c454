/* Peer identity policy (being written). */
#include "config.h"

#include "identity.h"
