# tests/tool.mk: the cassl tool, end to end (exit codes, error:/hint: lines, --json), and its
# CQL codec.
if BACKEND_GNUTLS
TESTS += tests/tool_cli.sh tests/tool_probe_demo.sh

check_PROGRAMS += tests/test_tool_peers
TESTS += tests/test_tool_peers
tests_test_tool_peers_SOURCES = tests/test_tool_peers.c
tests_test_tool_peers_CPPFLAGS = $(test_cppflags)
tests_test_tool_peers_CFLAGS = $(test_cflags)
tests_test_tool_peers_LDADD = tests/libpeers.la $(test_ldadd)
endif
EXTRA_DIST += tests/tool_lib.sh tests/tool_cli.sh tests/tool_probe_demo.sh
