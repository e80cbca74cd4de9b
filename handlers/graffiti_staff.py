"""Moderators' graffiti commands: /assign, /painted, /graffiti_batch, /photo.

The router sits inside the staff router, so the moderator role is read from the database for
every update; report numbers are re-read and judged by the lifecycle.
"""

import html
import logging
import re
from contextlib import suppress

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.graffiti_districts import refused_list
from handlers.graffiti_filters import WithoutMedia
from handlers.photo_album import labelled, send_albums
from models.enums import District
from services.actor import Actor
from services.clock import to_almaty, utcnow
from services.graffiti import crew, crew_files, street
from services.lifecycle import Refused
from services.report_numbers import numbers_and_words
from services.report_photos import report_photos
from views.graffiti import district_label, district_names, parse_district

logger = logging.getLogger(__name__)


async def cmd_painted(
    message: Message, command: CommandObject, session: AsyncSession, actor: Actor
) -> None:
    numbers, _rest = numbers_and_words(command.args)
    if not numbers:
        await message.answer(_("Use /painted N… to record walls painted over."))
        return
    lines = []
    for number in dict.fromkeys(numbers):
        result = await street.mark_painted(session, report_id=number, actor_id=actor.id)
        if result.changed:
            lines.append(_("#{id} is marked as painted over.").format(id=result.report_id))
        else:
            lines.append(
                _("#{id} not changed: {reason}.").format(
                    id=number, reason=refused_list([Refused(number, result.status)])
                )
            )
    await message.answer("\n".join(lines))


def crew_file_stem(district: District | None) -> str:
    """The crew files' name in the reader's language: Граффити-Медеуский-20261201-0930."""
    where = district_label(district) if district is not None else _("all districts")
    name = f"{_('Graffiti')}-{where}-{to_almaty(utcnow()):%Y%m%d-%H%M}"
    return re.sub(r"[^\w-]+", "_", name)


def _header() -> list[str]:
    return [
        _("Row"),
        _("Report"),
        _("District"),
        _("Address or coordinates"),
        _("Map"),
        _("Written on the wall"),
        _("First seen (Almaty time)"),
    ]


async def cmd_graffiti_batch(
    message: Message,
    *,
    command: CommandObject,
    session: AsyncSession,
    bot: Bot,
    actor: Actor,
    i18n: I18n,
) -> None:
    argument = (command.args or "").strip()
    district = parse_district(argument, i18n) if argument else None
    if argument and district is None:
        await message.answer(
            _("Use /graffiti_batch for every district or /graffiti_batch Almaly.")
        )
        return
    rows = await crew_files.reserve_walls(session, district=district, actor_id=actor.id)
    if not rows:
        await message.answer(_("No accepted graffiti waits for a crew."))
        return
    csv_data, xlsx_data, geo_data = crew.crew_files(
        rows, _header(), district_names(), sheet_title=_("Graffiti")
    )
    stem = crew_file_stem(district)
    caption = _("{count} walls for the crews", "{count} walls for the crews", len(rows)).format(
        count=len(rows)
    )
    sent: list[Message] = []
    try:  # the walls are held for this moderator: every way out below releases them
        for data, extension in ((csv_data, "csv"), (xlsx_data, "xlsx"), (geo_data, "geojson")):
            document = BufferedInputFile(data, f"{stem}.{extension}")
            sent.append(await bot.send_document(message.chat.id, document, caption=caption))
    except TelegramAPIError as error:
        logger.warning("crew batch not delivered to %s: %s", message.chat.id, error)
        for delivered in sent:
            with suppress(TelegramAPIError):
                await bot.delete_message(message.chat.id, delivered.message_id)
        await crew_files.release_walls(session, rows=rows, actor_id=actor.id)
        await message.answer(_("Could not send the files, so nothing was marked as assigned."))
        return
    except BaseException:
        await crew_files.release_walls(session, rows=rows, actor_id=actor.id)
        raise
    result = await crew.mark_delivered(session, rows=rows, district=district, actor_id=actor.id)
    # Walls refused meanwhile (another moderator changed them) keep no claim of ours.
    await crew_files.release_walls(session, rows=rows, actor_id=actor.id)
    carried = len(rows) - len(result.refused)
    text = _(
        "{count} wall marked as assigned to a crew.",
        "{count} walls marked as assigned to a crew.",
        carried,
    ).format(count=carried)
    if district is not None:
        text += " " + html.escape(district_label(district))
    await message.answer(text)


async def cmd_photo(
    message: Message, command: CommandObject, session: AsyncSession, bot: Bot
) -> None:
    """Every photo the card counts, each labelled (before, after, claimed, screenshot)."""
    numbers, _rest = numbers_and_words(command.args)
    if len(numbers) != 1:
        await message.answer(_("Use /photo N to see a graffiti report's photos."))
        return
    photos = await report_photos(session, numbers[0])
    if not photos:
        await message.answer(_("#{id} has no photos.").format(id=numbers[0]))
        return
    sent = await send_albums(bot, message.chat.id, labelled(photos, numbers[0]))
    if sent < len(photos):
        await message.answer(
            _("{count} of the photos could not be sent (Telegram no longer has them).").format(
                count=len(photos) - sent
            )
        )


def create_router() -> Router:
    router = Router(name="graffiti_staff")
    router.message.register(cmd_painted, Command("painted"), WithoutMedia())
    router.message.register(cmd_graffiti_batch, Command("graffiti_batch"))
    router.message.register(cmd_photo, Command("photo"))
    return router
