"""Days as the district counts them: the Asia/Shanghai calendar day."""

import datetime as dt
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def today() -> dt.date:
    """Today's date in Asia/Shanghai, whatever the server's own time zone."""
    return dt.datetime.now(SHANGHAI).date()
