"""What every domain builds on, and nothing domain-specific: the application itself is built
in `app.py`, above the core and the domains."""
