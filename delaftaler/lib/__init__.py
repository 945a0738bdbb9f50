"""Machinery with no domain in it: formatting, rich text, optimistic concurrency, integer
lookups, check constraints in one query, the security log, login lockout and backups.
Imports nothing of the domain."""
