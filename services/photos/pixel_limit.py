"""Decompression-bomb guard: an image's pixel count is read from its header before decoding.

Bytes are a poor limit: a 168 KB PNG of 12,000 × 12,000 pixels decodes to over 400 MB. Pillow's
`Image.open` reads only the header, so the size is known for free; nothing bigger than the
configured limit ([graffiti] max_megapixels) is ever decoded. Pillow's own guard
(`Image.MAX_IMAGE_PIXELS`) is set to the same limit at start-up as a second line of defence.
"""

import io

from PIL import Image


def configure_pillow(max_pixels: int) -> None:
    """Pillow refuses (above twice this) or warns (above it) by itself; we refuse above it."""
    Image.MAX_IMAGE_PIXELS = max_pixels


def is_oversized(data: bytes, max_pixels: int) -> bool:
    """True if the header says the image has more than max_pixels (nothing is decoded).

    Bytes Pillow cannot read are not judged here: the callers treat them as unreadable.
    """
    try:
        with Image.open(io.BytesIO(data)) as image:
            return too_many_pixels(image.size, max_pixels)
    except Image.DecompressionBombError:
        return True  # Pillow's own guard (twice its limit) refused even to open it
    except (OSError, ValueError):
        return False


def too_many_pixels(size: tuple[int, int], max_pixels: int) -> bool:
    return size[0] * size[1] > max_pixels


def open_checked(data: bytes) -> Image.Image:
    """Open an image for decoding, refusing one over Pillow's configured pixel limit."""
    image = Image.open(io.BytesIO(data))
    limit = Image.MAX_IMAGE_PIXELS
    if limit is not None and too_many_pixels(image.size, limit):
        image.close()
        raise Image.DecompressionBombError(f"{image.size[0]}x{image.size[1]} pixels")
    return image
