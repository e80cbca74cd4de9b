"""Photos the bot sends on carry no metadata: EXIF with GPS goes in, pixels alone come out."""

import io

from PIL import Image

from services.graffiti.exif import strip_metadata
from tests.graffiti_helpers import jpeg, wall_image

GPS_IFD = 0x8825


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° to view
    exif[GPS_IFD] = {1: "N", 2: (43.0, 14.0, 20.0), 3: "E", 4: (76.0, 56.0, 43.0)}
    return jpeg(wall_image(11), 90, exif=exif.tobytes())


async def test_stripped_photo_has_no_exif_and_keeps_orientation() -> None:
    original = jpeg_with_gps()
    with Image.open(io.BytesIO(original)) as before:
        assert before.getexif().get_ifd(GPS_IFD)  # the fixture really carries GPS
        width, height = before.size
    clean = await strip_metadata(original)
    with Image.open(io.BytesIO(clean)) as after:
        assert not after.getexif()
        assert "exif" not in after.info and "icc_profile" not in after.info
        assert after.size == (height, width)  # the orientation was applied to the pixels
    assert b"Exif" not in clean and b"PhoneMaker" not in clean
