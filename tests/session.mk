# tests/session.mk: the session test group.
