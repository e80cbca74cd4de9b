"""A suggested district for a wall placed by coordinates: the nearest of the eight centres.

No boundary data is downloaded at run time; the centres ship with the code in
district_centres.json, which names its source. Near a border the nearest centre can be the
wrong district, so the result is only ever a suggestion a moderator confirms or changes.
"""

import json
from functools import cache
from pathlib import Path

from models.enums import District
from services.graffiti.geo import haversine_m

CENTRES_FILE = Path(__file__).with_name("district_centres.json")
# Farther than this from every centre is outside the city: no suggestion.
MAX_DISTANCE_M = 15_000


@cache
def district_centres() -> dict[District, tuple[float, float]]:
    data = json.loads(CENTRES_FILE.read_text(encoding="utf-8"))
    return {District(name): (point[0], point[1]) for name, point in data["centres"].items()}


def suggest_district(latitude: float, longitude: float) -> District | None:
    distances = {
        district: haversine_m(latitude, longitude, *centre)
        for district, centre in district_centres().items()
    }
    nearest = min(distances, key=lambda district: distances[district])
    return nearest if distances[nearest] <= MAX_DISTANCE_M else None
