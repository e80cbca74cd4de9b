"""Inline button payloads. Never trusted for permissions: handlers re-check roles in the DB."""

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from models.enums import SeniorChoice


class LanguageChoice(CallbackData, prefix="lang"):
    code: str


class MyReportsPage(CallbackData, prefix="my"):
    page: int


class MyReportOpen(CallbackData, prefix="myr"):
    """A report's button under /my; the handler shows it as the presser may see it."""

    report_id: int


class OwnEdit(StrEnum):
    """What a volunteer's button under /my N does to their own new report."""

    WITHDRAW_ASK = "wa"  # ask first: a mis-tap must not withdraw
    WITHDRAW = "w"
    KEEP = "k"
    NOTE = "n"  # the next message is the note


class MyReportEdit(CallbackData, prefix="mye"):
    """Acts only on the presser's own sighting (services/own_sighting.py), whatever the number."""

    action: OwnEdit
    report_id: int


class TriageAction(StrEnum):
    """What a button on a queue card does; short values keep callback data under 64 bytes."""

    ACCEPT = "a"  # show the categories
    CATEGORY = "c"  # accept with the category in `value`
    REJECT = "r"  # show the reasons
    REASON = "rr"  # reject with the preset reason code in `value`
    TYPE_REASON = "rt"  # the next message is the reason
    DUPLICATE = "d"  # the next message is `#M`
    SKIP = "s"
    UNSURE = "u"
    BACK = "b"  # from categories or reasons back to the card's buttons


class TriageCard(CallbackData, prefix="tq"):
    action: TriageAction
    report_id: int
    value: str = ""


class UrlListAnswer(CallbackData, prefix="vl"):
    """Confirm or cancel a pending /blocked list; the list itself waits in the FSM storage."""

    confirm: bool
    token: str


class GraffitiAction(StrEnum):
    DISTRICT = "d"  # the wall is in the district in `district`
    SKIP_PLACE = "p"  # no place given
    NO_HANDLE = "h"  # nothing readable on the wall
    SCREENSHOT = "s"  # not a wall: a screenshot of something online


class GraffitiStep(CallbackData, prefix="gf"):
    """An answer in a graffiti conversation; the draft must belong to whoever presses it."""

    action: GraffitiAction
    draft_id: int
    district: str = ""


class WelcomeLanguage(CallbackData, prefix="hello"):
    """A language button under the first welcome: the welcome is shown again in that language."""

    code: str


class ClaimAction(StrEnum):
    CONFIRM = "c"
    REJECT = "r"
    NEXT = "n"  # leave it for another moderator, show the next claim


class ClaimCard(CallbackData, prefix="pc"):
    """A moderator's answer to an «after» photo claim; the role is re-read from the database."""

    action: ClaimAction
    claim_id: int


class AssignPick(CallbackData, prefix="as"):
    """The crew's district for the walls of the moderator's last /assign (kept in the FSM)."""

    district: str


class WallDistrictPick(CallbackData, prefix="wd"):
    """A moderator confirms a wall's suggested district or picks another ("" lists them all)."""

    report_id: int
    district: str = ""


class SeniorVote(CallbackData, prefix="sv"):
    """A senior's vote under a /check card. The role is read from the database on every press,
    and the vote is refused once the report is no longer new."""

    report_id: int
    choice: SeniorChoice
