"""How long a worker waits before trying again what failed (a webhook, an outcome notice)."""

import datetime as dt

FIRST_RETRY = dt.timedelta(minutes=1)
LONGEST_WAIT = dt.timedelta(hours=1)
# Still failing this long after it was first due, it is given up.
GIVE_UP_AFTER = dt.timedelta(hours=24)


def retry_wait(attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failure in a row: 1 min, doubling, at most an hour."""
    return min(FIRST_RETRY * 2 ** min(attempts - 1, 16), LONGEST_WAIT)
