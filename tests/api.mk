# tests/api.mk: the api test group.
