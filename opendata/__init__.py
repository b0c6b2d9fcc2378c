"""Open data that third parties build on: bulk exports of what the public may read.

It reads both decisions and consultation, so it sits above both; nothing imports it but app.py
(tests/test_layers.py)."""
