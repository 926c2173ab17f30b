"""Security: login lockout, session timeouts, the security log, request limits, CSP tweaks.

Settings are in commissioning/settings.py; docs/security.md lists each protection and the
test that proves it."""
