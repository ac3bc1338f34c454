# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# The API reference in section 3: one page per header or function family, made by configure
# from man/*.3.in (version and date in the footer), installed with the library.
api_man_pages = man/cassl_ssl.3 man/cassl_session.3 man/cassl_uv.3 man/cassl_errors.3 \
	man/cassl_version.3 man/cassl_inspect.3
man3_MANS += $(api_man_pages)
# The driver's names (cass_ssl_*, the inline wrappers of <cassl/cassl.h>) lead to
# cassl_ssl(3): `man cass_ssl_new` works. Each alias is one .so line.
driver_name_pages = man/cass_ssl_new.3 man/cass_ssl_new_no_lib_init.3 man/cass_ssl_free.3 \
	man/cass_ssl_add_trusted_cert.3 man/cass_ssl_add_trusted_cert_n.3 \
	man/cass_ssl_set_verify_flags.3 man/cass_ssl_set_cert.3 man/cass_ssl_set_cert_n.3 \
	man/cass_ssl_set_private_key.3 man/cass_ssl_set_private_key_n.3 \
	man/cass_ssl_set_min_protocol_version.3
man3_MANS += $(driver_name_pages)
CLEANFILES += $(driver_name_pages)
$(driver_name_pages):
	$(AM_V_GEN)$(MKDIR_P) man && echo '.so man3/cassl_ssl.3' >$@
