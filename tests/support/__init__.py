"""What the tests share: the client that drives the dispatcher, the recording and HTTP fake
Bot APIs, clocks, and steps several features' tests take (a wall reported, reports moved to a
status, a moderator made). Test modules import from here and never from one another
(tests/test_support_imports.py checks it)."""
