"""Shared helpers for the tests: plain modules that tests import (`from tests.helpers.x import y`),
never collected as tests themselves. Fixtures stay in the conftest.py files."""
