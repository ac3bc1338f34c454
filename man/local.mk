# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# The API reference in section 3: one page per header or function family, made by configure
# from man/*.3.in (version and date in the footer), installed with the library.
api_man_pages = man/cassl_ssl.3 man/cassl_session.3 man/cassl_uv.3 man/cassl_errors.3 \
	man/cassl_version.3 man/cassl_inspect.3
man3_MANS += $(api_man_pages)
