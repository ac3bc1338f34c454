# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
if BACKEND_NONE
backend_sources = plugins/none/backend.c
backend_cflags =
backend_libs =
endif
EXTRA_DIST += plugins/none/backend.c
