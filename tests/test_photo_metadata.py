"""Photos the bot sends on carry no metadata: EXIF with GPS goes in, pixels alone come out."""

import io

from PIL import Image

from services.photos.metadata import strip_metadata
from tests.support.graffiti_helpers import GPS_IFD, jpeg_with_gps


async def test_stripped_photo_has_no_exif_and_keeps_orientation() -> None:
    original = jpeg_with_gps()
    with Image.open(io.BytesIO(original)) as before:
        assert before.getexif().get_ifd(GPS_IFD)  # the fixture really carries GPS
        width, height = before.size
    clean = await strip_metadata(original)
    with Image.open(io.BytesIO(clean)) as after:
        assert not after.getexif()
        assert "exif" not in after.info
        assert "icc_profile" not in after.info
        assert after.size == (height, width)  # the orientation was applied to the pixels
    assert b"Exif" not in clean
    assert b"PhoneMaker" not in clean
