# tests/credentials.mk: the credentials test group.
