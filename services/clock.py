"""Time: stored in UTC, shown in Almaty time."""

from datetime import datetime
from importlib import resources
from zoneinfo import ZoneInfo

# One clock for the whole house: the models' row defaults use it too (models import nothing of
# the project, so it lives there), and a test that freezes it freezes both.
from models.base import utcnow

__all__ = ["ALMATY", "to_almaty", "utcnow"]


def _almaty_zone() -> ZoneInfo:
    # Read the zone from the pinned tzdata package rather than the system database: Kazakhstan
    # moved Almaty from UTC+6 to UTC+5 on 2024-03-01 and older system databases still say +6.
    with resources.files("tzdata").joinpath("zoneinfo/Asia/Almaty").open("rb") as zone_file:
        return ZoneInfo.from_file(zone_file, key="Asia/Almaty")


ALMATY = _almaty_zone()


def to_almaty(moment: datetime) -> datetime:
    return moment.astimezone(ALMATY)
