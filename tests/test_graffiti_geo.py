"""Distances between real Almaty points, and the map links crews open."""

import pytest

from services.graffiti.geo import haversine_m, map_link
from tests.support.graffiti_helpers import ABAY_DOSTYK, FAR_300M, NEAR_100M


def test_distances_between_almaty_points() -> None:
    assert haversine_m(*ABAY_DOSTYK, *NEAR_100M) == pytest.approx(100, abs=1)
    assert haversine_m(*ABAY_DOSTYK, *FAR_300M) == pytest.approx(300, abs=2)
    # Abay/Dostyk to Abay/Furmanov (Nazarbayev Ave): about 580 m west along Abay Avenue.
    assert haversine_m(*ABAY_DOSTYK, 43.2389, 76.9384) == pytest.approx(577, abs=10)
    assert haversine_m(*ABAY_DOSTYK, *ABAY_DOSTYK) == 0


def test_map_link_points_at_the_wall() -> None:
    assert map_link(*ABAY_DOSTYK) == (
        "https://www.openstreetmap.org/?mlat=43.238900&mlon=76.945500#map=18/43.238900/76.945500"
    )
