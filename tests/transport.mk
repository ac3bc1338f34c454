# tests/transport.mk: the transport test group.
