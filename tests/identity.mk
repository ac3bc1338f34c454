# tests/identity.mk: the identity test group.
