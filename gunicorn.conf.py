"""gunicorn's settings for Juece: `gunicorn -c gunicorn.conf.py` (make run, the README).

Every value can be overridden on the command line or with GUNICORN_CMD_ARGS; the bind
address and the number of workers also from JUECE_BIND and JUECE_WORKERS.
"""

import multiprocessing
import os

wsgi_app = "wsgi:app"
bind = os.environ.get("JUECE_BIND", "127.0.0.1:8000")
# Sync workers, two per core: requests are short and mostly wait on the database.
workers = int(os.environ.get("JUECE_WORKERS", 2 * multiprocessing.cpu_count()))
accesslog = "-"

# Generous at the server so that the application decides, and answers as problem+json
# (core.http): a request line past 8,190 bytes is the app's 414, a header field past 8,190
# bytes or headers past 32 KiB its 431. gunicorn's own refusals are HTML pages that a client
# parsing every error as JSON cannot read. 0 is gunicorn's "no limit of ours": it still stops
# reading a request line at 1 MiB.
limit_request_line = 0
limit_request_fields = 200
limit_request_field_size = 64 * 1024

# On SIGTERM a worker stops accepting, finishes the requests it is serving, then exits:
# this long at most, then the arbiter kills what is left.
graceful_timeout = 30
timeout = 60
