"""«After» photos are claims: only a moderator's confirmation closes a wall, notifies its
reporters and counts points; a volunteer who never saw the wall, or its finder, cannot close it."""

from aiogram.methods import SendMediaGroup
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import saved_id
from models.enums import ClaimStatus, NoticeEvent, ReportStatus, Role
from models.graffiti import GraffitiDraft, GraffitiPhoto, PaintClaim
from models.moderation import Notice
from models.report import Report
from models.volunteer import Volunteer
from services.tallies import PointWeights, tallies
from tests.support.accounts import ADMIN_ID
from tests.support.client import BotClient, reply_to_bot, text, texts
from tests.support.graffiti_helpers import (
    CONFIRM_CLAIM,
    FAR_300M,
    REJECT_CLAIM,
    add_photo,
    confirm_next_claim,
    jpeg,
    photo_sizes,
    report_wall,
    send_photo,
    wall_image,
)
from tests.support.report_setup import accept, count, status
from tests.support.telegram_ids import tg_id

FINDER, STRANGER, HELPER = tg_id(1201), tg_id(1202), tg_id(1203)


async def volunteer_id(db: AsyncSession, telegram_id: int) -> int:
    row = (await db.exec(select(Volunteer).where(Volunteer.telegram_id == telegram_id))).one()
    return saved_id(row)


async def points(db: AsyncSession, telegram_id: int) -> int:
    db.expire_all()
    mine = await volunteer_id(db, telegram_id)
    tally = (await tallies(db, weights=PointWeights(), volunteer_ids=[mine])).get(mine)
    return tally.points if tally else 0


async def events(db: AsyncSession, report_id: int) -> list[tuple[int, NoticeEvent]]:
    db.expire_all()
    notices = await db.exec(select(Notice).where(Notice.report_id == report_id))
    return sorted((n.volunteer_id, n.event) for n in notices.all())


async def claim(client: BotClient, wall: int, seed: int) -> str:
    return text(await send_photo(client, jpeg(wall_image(seed)), caption=f"/painted {wall}"))


async def moderator(client: BotClient) -> BotClient:
    staff = client.as_user(ADMIN_ID)
    await staff.send("/start")
    return staff


async def test_stranger_claim_waits_for_confirmation(client: BotClient, db: AsyncSession) -> None:
    finder, stranger = client.as_user(FINDER), client.as_user(STRANGER)
    wall = await report_wall(finder, 401, handle="@claim_shop_one")
    await accept(db, wall)
    before_points = await points(db, FINDER)

    # A volunteer who never saw the wall sends an «after» photo: nothing changes yet.
    reply = await claim(stranger, wall, 402)
    assert f"#{wall}" in reply
    assert "модератор" in reply
    assert await status(db, wall) == ReportStatus.ACCEPTED
    assert (NoticeEvent.PAINTED_OVER) not in [e for _v, e in await events(db, wall)]
    assert await points(db, FINDER) == before_points

    # The moderator sees before and after as one album, then the card with its buttons.
    staff = await moderator(client)
    new = (await db.exec(select(Report.id).where(Report.status == ReportStatus.NEW))).all()
    await accept(db, *[i for i in new if i is not None])
    assert "/claims" in text(await staff.send("/queue"))  # the triage queue points to claims
    shown = await staff.send("/claims")
    [album] = [r for r in shown if isinstance(r, SendMediaGroup)]
    assert [m.caption for m in album.media] == [f"#{wall} · до", f"#{wall} · после"]
    card = next(t for t in texts(shown) if f"#{wall}" in t)
    assert f"User{STRANGER}" in card
    assert "⚠️" not in card

    done = await staff.press(shown, CONFIRM_CLAIM)
    assert any(f"#{wall}" in t for t in texts(done))
    assert await status(db, wall) == ReportStatus.PAINTED_OVER
    finder_id, stranger_id = await volunteer_id(db, FINDER), await volunteer_id(db, STRANGER)
    assert await events(db, wall) == sorted([
        (finder_id, NoticeEvent.ACCEPTED),
        (finder_id, NoticeEvent.PAINTED_OVER),
        (stranger_id, NoticeEvent.CLAIM_CONFIRMED),
    ])  # fmt: skip
    assert await points(db, FINDER) > before_points
    # A second press (or another moderator's) decides nothing twice.
    again = await staff.press(shown, CONFIRM_CLAIM)
    assert not [e for e in await events(db, wall) if e[1] == NoticeEvent.PAINTED_OVER][1:]
    assert any("уже принял решение" in t for t in texts(again))


async def test_finder_claiming_own_wall_is_flagged_and_can_be_rejected(
    client: BotClient, db: AsyncSession
) -> None:
    finder = client.as_user(FINDER)
    wall = await report_wall(finder, 411, handle="@claim_shop_two")
    await accept(db, wall)
    before_points = await points(db, FINDER)
    assert "модератор" in await claim(finder, wall, 412)
    assert await status(db, wall) == ReportStatus.ACCEPTED
    assert await points(db, FINDER) == before_points

    staff = await moderator(client)
    shown = await staff.send("/claims")
    card = next(t for t in texts(shown) if f"#{wall}" in t)
    assert "⚠️" in card
    assert "очки" in card.lower()
    await staff.press(shown, REJECT_CLAIM)
    assert await status(db, wall) == ReportStatus.ACCEPTED
    assert await points(db, FINDER) == before_points
    finder_id = await volunteer_id(db, FINDER)
    assert (finder_id, NoticeEvent.CLAIM_REJECTED) in await events(db, wall)
    assert NoticeEvent.PAINTED_OVER not in [e for _v, e in await events(db, wall)]
    [row] = (await db.exec(select(PaintClaim))).all()
    assert row.status is ClaimStatus.REJECTED
    assert row.decided_by_id is not None


async def test_second_claim_joins_the_open_one_and_reply_to_bot_is_a_claim(
    client: BotClient, db: AsyncSession
) -> None:
    finder = client.as_user(FINDER)
    await send_photo(finder, jpeg(wall_image(421)))
    handle_question = await finder.send("Абая 1")
    assert handle_question
    saved = text(await finder.send("@claim_shop_three"))
    wall = int(saved.split("#")[1].split(" ")[0].rstrip("—"))
    await accept(db, wall)
    await claim(client.as_user(STRANGER), wall, 422)
    helper = client.as_user(HELPER)
    after_id, after_unique = add_photo(helper, jpeg(wall_image(423)))
    reply = text(
        await helper.send(
            extra={"photo": photo_sizes(after_id, after_unique), **reply_to_bot(saved, HELPER)}
        )
    )
    assert "модератор" in reply
    [row] = (await db.exec(select(PaintClaim))).all()
    photos = (await db.exec(select(GraffitiPhoto).where(GraffitiPhoto.claim_id == row.id))).all()
    assert len(photos) == 2
    assert await status(db, wall) == ReportStatus.ACCEPTED
    staff = await moderator(client)
    shown = await staff.send("/claims")
    [album] = [r for r in shown if isinstance(r, SendMediaGroup)]
    assert len(album.media) == 3  # before, and both «after» photos
    await staff.press(shown, CONFIRM_CLAIM)
    stranger_id, helper_id = await volunteer_id(db, STRANGER), await volunteer_id(db, HELPER)
    claimed = [v for v, e in await events(db, wall) if e == NoticeEvent.CLAIM_CONFIRMED]
    assert sorted(claimed) == sorted([stranger_id, helper_id])


async def test_claims_only_on_walls_a_crew_may_have_painted(
    client: BotClient, db: AsyncSession
) -> None:
    fresh = await report_wall(client.as_user(FINDER), 431, point=FAR_300M)
    refused = await claim(client.as_user(STRANGER), fresh, 432)
    assert f"#{fresh}" in refused
    assert "не принимает" in refused
    assert (await db.exec(select(PaintClaim))).all() == []
    assert await status(db, fresh) == ReportStatus.NEW


async def test_a_demoted_moderator_cannot_confirm(client: BotClient, db: AsyncSession) -> None:
    wall = await report_wall(client.as_user(FINDER), 441, handle="@claim_shop_four")
    await accept(db, wall)
    await claim(client.as_user(STRANGER), wall, 442)
    former = client.as_user(tg_id(1299))
    await former.send("/start")
    row = (await db.exec(select(Volunteer).where(Volunteer.telegram_id == tg_id(1299)))).one()
    row.role = Role.MODERATOR
    db.add(row)
    await db.commit()
    shown = await former.send("/claims")
    row.role = Role.VOLUNTEER
    db.add(row)
    await db.commit()
    await former.press(shown, CONFIRM_CLAIM)
    assert await status(db, wall) == ReportStatus.ACCEPTED
    db.expire_all()
    [open_claim] = (await db.exec(select(PaintClaim))).all()
    assert open_claim.status is ClaimStatus.OPEN


async def test_moderators_own_painted_stays_direct(client: BotClient, db: AsyncSession) -> None:
    wall = await report_wall(client.as_user(FINDER), 451, handle="@claim_shop_five")
    await accept(db, wall)
    staff = await moderator(client)
    assert f"#{wall}" in text(await staff.send(f"/painted {wall}"))
    assert await status(db, wall) == ReportStatus.PAINTED_OVER
    assert (await db.exec(select(PaintClaim))).all() == []


def claimed(wall: int) -> str:
    return (
        f"Thank you! Your «after» photo of #{wall} goes to the moderators: "
        "the wall counts as painted over once they confirm it."
    )


async def test_after_photo_album_by_caption_is_one_answer(
    client: BotClient, db: AsyncSession
) -> None:
    wall = await report_wall(client, 63)
    await accept(db, wall)
    helper = client.as_user(1103, language_code="en")
    album = {"media_group_id": "after-album-1"}
    first = await send_photo(helper, jpeg(wall_image(64)), caption=f"/painted {wall}", extra=album)
    assert texts(first) == [claimed(wall)]
    # The album's second photo carries no caption; it is the same after-photo answer.
    assert texts(await send_photo(helper, jpeg(wall_image(65)), extra=album)) == []
    assert await count(db, GraffitiDraft) == 0
    afters = (await db.exec(select(GraffitiPhoto).where(GraffitiPhoto.report_id == wall))).all()
    assert len(afters) == 2
    assert all(photo.is_after for photo in afters)
    assert len({photo.claim_id for photo in afters}) == 1  # one claim for the album
    assert await status(db, wall) == ReportStatus.ACCEPTED  # until a moderator confirms


async def test_after_photo_album_in_reply_is_one_answer(
    client: BotClient, db: AsyncSession
) -> None:
    wall = await report_wall(client, 66)
    await accept(db, wall)
    helper = client.as_user(1104, language_code="en")
    replies = []
    for seed in (67, 68, 69):
        file_id, unique = add_photo(helper, jpeg(wall_image(seed)))
        extra = {
            "photo": photo_sizes(file_id, unique),
            "media_group_id": "after-album-2",
            **reply_to_bot(f"#{wall} — graffiti report saved, thank you.", 1104),
        }
        replies += texts(await helper.send(extra=extra))
    assert replies == [claimed(wall)]
    afters = (await db.exec(select(GraffitiPhoto).where(GraffitiPhoto.report_id == wall))).all()
    assert len(afters) == 3


async def test_after_photo_of_a_wall_already_painted_over(
    client: BotClient, db: AsyncSession
) -> None:
    wall = await report_wall(client, 70)
    await accept(db, wall)
    first = client.as_user(1105, language_code="en")
    await send_photo(first, jpeg(wall_image(71)), caption=f"/painted {wall}")
    moderator = client.as_user(ADMIN_ID)
    await moderator.send("/start")
    await confirm_next_claim(moderator)
    second = client.as_user(1106, language_code="en")
    reply = text(await send_photo(second, jpeg(wall_image(72)), caption=f"/painted {wall}"))
    assert reply == f"#{wall} is already marked as painted over. Thank you!"
    afters = (await db.exec(select(GraffitiPhoto).where(GraffitiPhoto.report_id == wall))).all()
    assert len(afters) == 1  # only claims are kept: a closed wall takes no new ones
