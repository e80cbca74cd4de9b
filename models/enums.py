"""Enumerations shared by the tables and the domain."""

from enum import StrEnum


class TargetKind(StrEnum):
    """What a report points at; decides how it is closed (see CONTEXT.md)."""

    WEBSITE = "website"
    TELEGRAM = "telegram"
    SOCIAL = "social"
    GRAFFITI = "graffiti"


class ReportStatus(StrEnum):
    """Every status of the online and street lifecycles.

    Stored as plain strings so that adding a status never needs a database enum migration.
    """

    NEW = "new"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    MERGED = "merged"
    SENT = "sent"
    BLOCKED = "blocked"
    DECLINED = "declined"
    STILL_ONLINE = "still_online"
    # Gone at the source, as two consecutive rechecks saw it: a Telegram channel or account
    # taken down (missing or restricted), a site dead everywhere. Closed, like blocked.
    REMOVED = "removed"
    REAPPEARED = "reappeared"
    ASSIGNED = "assigned"
    PAINTED_OVER = "painted_over"


class Role(StrEnum):
    """Stored role. Administrators are not stored: they come from `[access] admins`.

    A senior is a volunteer trusted to pre-check new reports (/check); a moderator outranks a
    senior. One role a person: making a senior a moderator replaces the senior role.
    """

    VOLUNTEER = "volunteer"
    SENIOR = "senior"
    MODERATOR = "moderator"


class SeniorChoice(StrEnum):
    """A senior volunteer's vote on a new report (/check), and the seniors' call on a report
    once two counting votes agree. "Not sure" is kept but never counts."""

    DRUGS = "drugs"
    NOT_DRUGS = "not_drugs"
    NOT_SURE = "not_sure"


class Category(StrEnum):
    """Type of information, chosen by the moderator who accepts a report."""

    DRUG_SALES = "drug_sales"
    DRUG_PROPAGANDA = "drug_propaganda"
    COURIER_RECRUITMENT = "courier_recruitment"
    OTHER_ILLEGAL = "other_illegal"


class NoticeEvent(StrEnum):
    """Outcomes volunteers hear about."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"
    BLOCKED = "blocked"
    # Taken down at the source (services/probe/rules.py): heard like blocked, in its own words.
    REMOVED = "removed"
    PAINTED_OVER = "painted_over"
    # To the volunteer whose «after» photo a moderator judged (see services/graffiti/claims).
    CLAIM_CONFIRMED = "claim_confirmed"
    CLAIM_REJECTED = "claim_rejected"
    # The volunteer's report was merged into another (services/lifecycle.merge): which number
    # it now lives under is read when the notice is sent (Report.merged_into_id, followed).
    MERGED = "merged"


class District(StrEnum):
    """Almaty's eight districts; graffiti reports and crews are organised by them."""

    ALATAU = "alatau"
    ALMALY = "almaly"
    AUEZOV = "auezov"
    BOSTANDYK = "bostandyk"
    ZHETYSU = "zhetysu"
    MEDEU = "medeu"
    NAURYZBAY = "nauryzbay"
    TURKSIB = "turksib"


class RecipientKind(StrEnum):
    """Who got a weekly digest: a configured chat (chat id) or a volunteer (volunteer.id)."""

    CHAT = "chat"
    VOLUNTEER = "volunteer"


class ClaimStatus(StrEnum):
    """A volunteer's «after» photo waits for a moderator, who confirms or rejects it."""

    OPEN = "open"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class BroadcastState(StrEnum):
    """An administrator's broadcast: previewed, then sent (resumable) or cancelled."""

    PREVIEW = "preview"
    SENDING = "sending"
    FINISHED = "finished"
    CANCELLED = "cancelled"


class BroadcastOutcome(StrEnum):
    """What became of one recipient's copy; no outcome yet means it is still to be sent."""

    SENT = "sent"
    UNAVAILABLE = "unavailable"  # blocked the bot or deleted the account
    FAILED = "failed"


class NoteCode(StrEnum):
    """Why a report changed, stored as a code and rendered in the reader's language.

    A moderator's own words are kept beside it as free text; labels live with the texts (views).
    """

    # The preset rejection reasons of the queue card.
    NOT_DRUG_RELATED = "not_drug_related"
    LINK_DEAD = "link_dead"
    NOT_ENOUGH_EVIDENCE = "not_enough_evidence"
    DUPLICATE = "duplicate"
    # Notes the bot writes into the audit trail itself.
    AFTER_PHOTO = "after_photo"  # a moderator closed the wall with their own «after» photo
    AFTER_PHOTO_CONFIRMED = "after_photo_confirmed"  # a volunteer's «after» photo, confirmed
    MERGED_INTO = "merged_into"  # ref_id: the surviving report
    SAME_WALL = "same_wall"  # the wall was reported again as ref_id: it reappeared
    BATCH = "batch"  # ref_id: the batch that sent it
    CREW = "crew"  # district: the crew it was assigned to
    # Two consistent automatic checks (services/probe/rules.py) moved the report; ref_id: the
    # second check (probe_check.id). One code per outcome, so the history says what was seen.
    PROBE_ONLINE = "probe_online"
    PROBE_BLOCKED = "probe_blocked"
    PROBE_GONE = "probe_gone"
    # A volunteer withdrew their own sighting of a new report (services/withdrawals.py): the
    # report stayed new, others' sightings keep it alive (the audit entry is new → new) …
    SIGHTING_WITHDRAWN = "sighting_withdrawn"
    # … or theirs was the last one, and the report was closed as rejected with this reason.
    WITHDRAWN = "withdrawn"


# The probe's enums live here, beside the tables that store them (models import no services);
# services/probe/results.py re-exports Verdict and Vantage for the checkers.


class Verdict(StrEnum):
    """What a check concluded. Stored as plain strings (a new verdict needs no migration)."""

    # Reachable and serving (web), or the channel/user exists (Telegram).
    ONLINE = "online"
    # TCP connects, the TLS handshake stalls after the ClientHello (how Kazakh ISPs block).
    BLOCKED_TLS = "blocked_tls"
    # A configured block-page marker or block-page address.
    BLOCKED_PAGE = "blocked_page"
    # Fails from the bot's host, works through the control vantage (neither TLS nor page).
    BLOCKED = "blocked"
    # Gone at the source: NXDOMAIN, refused everywhere, 404/410, a parked or suspended page,
    # or failing through the control vantage too.
    DEAD = "dead"
    # Telegram: no such channel, group, user or bot.
    MISSING = "missing"
    # Telegram: the page or chat is restricted ("can't be displayed", a legal notice).
    RESTRICTED = "restricted"
    # Time-outs everywhere, 5xx, or markup not recognised: no conclusion, retried later.
    INCONCLUSIVE = "inconclusive"
    # The guard refused to connect (a private, loopback, … address, or a port not allowed).
    REFUSED = "refused"


class Vantage(StrEnum):
    """Where a check looked from."""

    # The bot's own host only (no control configured): "seen from the bot's host".
    HOST = "host"
    # The bot's host and the control proxy outside Kazakhstan, combined into one verdict.
    HOST_AND_CONTROL = "host+control"
    # Telegram's Bot API (getChat).
    BOT_API = "bot_api"
    # The public preview page t.me/<name> (or t.me/s/<name>).
    PREVIEW = "preview"


class CheckPurpose(StrEnum):
    """Why a check ran: the schedule, a moderator's /recheck, or the evidence check at intake."""

    SCHEDULED = "scheduled"
    MANUAL = "manual"
    INTAKE = "intake"
