# tests/tool.mk: the cassl tool, end to end (exit codes, error:/hint: lines, --json).
if BACKEND_GNUTLS
TESTS += tests/tool_cli.sh tests/tool_probe_demo.sh
endif
EXTRA_DIST += tests/tool_lib.sh tests/tool_cli.sh tests/tool_probe_demo.sh
