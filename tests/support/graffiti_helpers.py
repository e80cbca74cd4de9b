"""Pictures made with Pillow and graffiti messages as Telegram would deliver them."""

import io
import random
from itertools import count
from typing import Any

from PIL import Image, ImageDraw
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.graffiti import Graffiti
from tests.support.client import BotClient, numbers, text

# Abay Ave / Dostyk Ave, Almaty.
ABAY_DOSTYK = (43.2389, 76.9455)
# ~100 m and ~300 m north of it (one degree of latitude is ~111.2 km).
NEAR_100M = (43.2389 + 100 / 111_195, 76.9455)
FAR_300M = (43.2389 + 300 / 111_195, 76.9455)

# The EXIF tag that holds the GPS block.
GPS_IFD = 0x8825

_ids = count(1)


def wall_image(seed: int, size: tuple[int, int] = (640, 480)) -> Image.Image:
    """A wall with blocks of paint and a scrawl: enough structure for a perceptual hash."""
    rng = random.Random(seed)
    image = Image.new("RGB", size, (rng.randint(100, 200),) * 3)
    draw = ImageDraw.Draw(image)
    width, height = size
    for _ in range(12):
        x, y = rng.randint(0, width - 60), rng.randint(0, height - 60)
        w, h = rng.randint(40, width // 2), rng.randint(30, height // 2)
        colour = tuple(rng.randint(0, 255) for _ in range(3))
        draw.rectangle((x, y, x + w, y + h), fill=colour)
    for _ in range(6):
        points = [(rng.randint(0, width), rng.randint(0, height)) for _ in range(4)]
        draw.line(points, fill=(0, 0, 0), width=8)
    return image


def jpeg(image: Image.Image, quality: int = 90, **kwargs: Any) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality, **kwargs)
    return out.getvalue()


def photo_sizes(file_id: str, unique_id: str) -> list[dict[str, Any]]:
    """Telegram's sizes, smallest first; only the largest is downloaded."""
    return [
        {"file_id": file_id + "_s", "file_unique_id": unique_id + "_s", "width": 90, "height": 67},
        {"file_id": file_id, "file_unique_id": unique_id, "width": 640, "height": 480},
    ]


def add_photo(client: BotClient, data: bytes, unique_id: str | None = None) -> tuple[str, str]:
    number = next(_ids)
    file_id = f"photo{number}"
    client.session.add_file(file_id, data)
    return file_id, unique_id or f"uniq{number}"


async def send_photo(
    client: BotClient,
    data: bytes,
    *,
    unique_id: str | None = None,
    caption: str | None = None,
    extra: dict[str, Any] | None = None,
) -> list[Any]:
    file_id, unique = add_photo(client, data, unique_id)
    fields: dict[str, Any] = {"photo": photo_sizes(file_id, unique)}
    fields.update(extra or {})
    return await client.send(caption=caption, extra=fields)


async def send_location(client: BotClient, point: tuple[float, float]) -> list[Any]:
    return await client.send(extra={"location": {"latitude": point[0], "longitude": point[1]}})


# The claim card's buttons begin with these in every language.
CONFIRM_CLAIM, REJECT_CLAIM = "✅", "❌"
# The graffiti conversation's buttons, as a Russian-speaking volunteer reads them.
NOTHING_READABLE = "Ничего не разобрать"
SKIP_PLACE = "Пропустить"
SCREENSHOT = "📱"


async def confirm_next_claim(moderator: BotClient) -> list[Any]:
    """A moderator opens /claims and confirms the «after» photo shown first."""
    shown = await moderator.send("/claims")
    return await moderator.press(shown, CONFIRM_CLAIM)


def jpeg_with_gps() -> bytes:
    """A phone's photo: maker, a rotation to apply, and where it was taken."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° to view
    exif[GPS_IFD] = {1: "N", 2: (43.0, 14.0, 20.0), 3: "E", 4: (76.0, 56.0, 43.0)}
    return jpeg(wall_image(11), 90, exif=exif.tobytes())


async def graffiti(db: AsyncSession, report_id: int) -> Graffiti:
    db.expire_all()
    return (await db.exec(select(Graffiti).where(Graffiti.report_id == report_id))).one()


async def report_wall(
    client: BotClient, seed: int, *, point: tuple[float, float] = ABAY_DOSTYK, handle: str = ""
) -> int:
    """Photo, location, handle (or «Nothing readable»): the whole conversation; returns #N."""
    await send_photo(client, jpeg(wall_image(seed)))
    question = await send_location(client, point)
    if handle:
        reply = text(await client.send(handle))
    else:
        reply = text(await client.press(question, NOTHING_READABLE))
    return numbers(reply)[0]
