"""gunicorn's entry: gunicorn wsgi:app"""

import gc

from app import create_app

app = create_app()

# Everything loaded so far lives as long as the worker: keep the garbage collector from
# walking it again on every collection (a few per cent of each request's time).
gc.freeze()
