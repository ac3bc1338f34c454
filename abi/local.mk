# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# The recorded public ABI (docs/abi.md). abi-check compares the library just built with the
# record in abi/ and fails on any difference; abi-update rewrites the record. Only the types
# the public headers declare count (--headers-dir); the record names no build path, so the
# same source gives the same file.
abi_record = $(top_srcdir)/abi/libcassl-$(TLS_BACKEND).abi
abi_library = lib/.libs/libcassl-$(TLS_BACKEND).so.$(SONAME_MAJOR)
abi_headers = --headers-dir $(top_srcdir)/include/cassl --headers-dir $(top_builddir)/include/cassl
ABIDW = abidw
ABIDIFF = abidiff
# One record per flavour: each declares the same API, bound to its own version node.
EXTRA_DIST += abi/libcassl-gnutls.abi abi/libcassl-none.abi

abi-tools:
	@command -v $(ABIDW) >/dev/null 2>&1 && command -v $(ABIDIFF) >/dev/null 2>&1 || { \
	  echo "abi: abidw/abidiff not found (Debian: abigail-tools)" >&2; exit 1; }
	@test -f $(abi_library) || { \
	  echo "abi: $(abi_library) not built (a shared library with -g is needed)" >&2; exit 1; }

abidw_flags = --no-corpus-path --no-comp-dir-path --short-locs --drop-private-types \
	$(abi_headers)

abi-update: $(cassl_lib) abi-tools
	$(AM_V_GEN)$(ABIDW) $(abidw_flags) --out-file $(abi_record) $(abi_library)

# Both sides go through abidw with the same options, so only real differences remain.
abi-check: $(cassl_lib) abi-tools
	@test -f $(abi_record) || { echo "abi: no record $(abi_record) (make abi-update)" >&2; exit 1; }
	@$(ABIDW) $(abidw_flags) --out-file abi-built.abi $(abi_library)
	@if $(ABIDIFF) $(abi_record) abi-built.abi; then \
	  echo "abi: $(abi_library) matches $(abi_record)"; rm -f abi-built.abi; \
	else \
	  echo "abi: the ABI differs from $(abi_record) (above). If the change is intended, run" \
	    "make abi-update and commit the record with it (docs/abi.md)." >&2; \
	  rm -f abi-built.abi; exit 1; \
	fi
CLEANFILES += abi-built.abi

# `make check` runs abi-check for the flavour built (and so does a package build, whose test
# step is make check) wherever libabigail is installed and the library has debug
# information; where either is missing it says so and goes on.
abi-check-if-possible: $(cassl_lib)
	@if ! command -v $(ABIDW) >/dev/null 2>&1 || ! command -v $(ABIDIFF) >/dev/null 2>&1; then \
	  echo "abi: abidw/abidiff not found (Debian: abigail-tools): the ABI was not checked"; \
	elif ! test -f $(abi_library); then \
	  echo "abi: no shared library $(abi_library): the ABI was not checked"; \
	elif ! LC_ALL=C readelf -S $(abi_library) | grep -q '\.debug_info'; then \
	  echo "abi: $(abi_library) has no debug information (-g): the ABI was not checked"; \
	else $(MAKE) $(AM_MAKEFLAGS) abi-check; fi
check_local_hooks += abi-check-if-possible
local_phony += abi-tools abi-update abi-check abi-check-if-possible
