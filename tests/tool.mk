# tests/tool.mk: the tool test group.
