"""Metadata stripping for every photo the bot sends on: the pixels only, no EXIF, no GPS."""

import asyncio
import io

from PIL import Image, ImageOps

from services.photos.pixel_limit import open_checked


def _strip_sync(data: bytes) -> bytes:
    with open_checked(data) as original:
        # Apply the orientation tag to the pixels first: dropping it would turn the photo.
        upright = ImageOps.exif_transpose(original)
        rgb = upright.convert("RGB")
    # A fresh image from raw pixels carries no info dict, EXIF, XMP or ICC profile.
    clean = Image.frombytes("RGB", rgb.size, rgb.tobytes())
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=90)
    return out.getvalue()


async def strip_metadata(data: bytes) -> bytes:
    """The photo re-encoded as a JPEG from its pixels alone (in a worker thread).

    Raises OSError/ValueError for bytes that are no image, DecompressionBombError for an image
    over the pixel limit.
    """
    return await asyncio.to_thread(_strip_sync, data)
