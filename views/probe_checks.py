"""What moderators read about checks: one line per check (/report, /recheck, the queue card),
/probe_status, and the observed time from sending to blocking. Never shown to volunteers."""

from collections.abc import Sequence
from datetime import timedelta
from html import escape

from aiogram.utils.i18n import gettext as _

from models.enums import CheckPurpose, Vantage, Verdict
from services.clock import to_almaty
from services.probe.check_lines import CheckLine
from services.probe.status import ProbeStatus
from views.labels import N_, fit_lines, numbers, shorten, status_label

_VERDICTS: dict[Verdict, str] = {
    Verdict.ONLINE: N_("online"),
    Verdict.BLOCKED_TLS: N_("blocked (TLS handshake stalls)"),
    Verdict.BLOCKED_PAGE: N_("blocked (block page)"),
    Verdict.BLOCKED: N_("blocked (works only from abroad)"),
    Verdict.DEAD: N_("dead (gone at the source)"),
    Verdict.MISSING: N_("not found in Telegram"),
    Verdict.RESTRICTED: N_("restricted by Telegram"),
    Verdict.INCONCLUSIVE: N_("inconclusive"),
    Verdict.REFUSED: N_("not checked: private or local address"),
}

_VANTAGES: dict[Vantage, str] = {
    Vantage.HOST: N_("from the bot's host only"),
    Vantage.HOST_AND_CONTROL: N_("from the bot's host and from abroad"),
    Vantage.BOT_API: N_("Telegram API"),
    Vantage.PREVIEW: N_("t.me page"),
}

_PURPOSES: dict[CheckPurpose, str] = {
    CheckPurpose.SCHEDULED: N_("scheduled"),
    CheckPurpose.MANUAL: N_("/recheck"),
    CheckPurpose.INTAKE: N_("at intake"),
}


def verdict_label(verdict: Verdict) -> str:
    return _(_VERDICTS[verdict])


def _when(line: CheckLine) -> str:
    return to_almaty(line.checked_at).strftime("%d.%m %H:%M")


def check_text(line: CheckLine) -> str:
    """One check in one line: when, verdict, from where, why, what it saw."""
    parts = [
        _when(line),
        f"<b>{verdict_label(line.verdict)}</b>",
        _(_VANTAGES[line.vantage]),
        _(_PURPOSES[line.purpose]),
        _("{seconds:.1f} s").format(seconds=line.latency_ms / 1000),
    ]
    if line.http_status is not None:
        parts.append(f"HTTP {line.http_status}")
    if line.member_count is not None:
        parts.append(_("{count} members").format(count=line.member_count))
    if line.title:
        parts.append(f"«{escape(shorten(line.title, 60))}»")
    if line.final_url:
        parts.append(f"<code>{escape(shorten(line.final_url, 60))}</code>")
    if line.addresses:
        parts.append(escape(", ".join(line.addresses[:3])))
    if line.error and line.verdict is not Verdict.ONLINE:
        parts.append(escape(shorten(line.error, 60)))
    if line.changed_to is not None:
        parts.append("→ " + status_label(line.changed_to))
    return " · ".join(parts)


def checks_section(lines: Sequence[CheckLine], observed: timedelta | None) -> list[str]:
    """The /report section: the latest checks, newest first, and the observed blocking time."""
    if not lines and observed is None:
        return []
    section = ["", "<b>" + _("Checks") + "</b>"]
    section += [check_text(line) for line in lines]
    if observed is not None:
        section.append(
            _("Sent → blocked as the checks saw it: {days:.1f} days").format(
                days=observed.total_seconds() / 86400
            )
        )
    return section


def evidence_line(line: CheckLine) -> str:
    """The queue card's line: what the bot saw when the link came in (or its latest check)."""
    return _("Seen by the bot:") + " " + check_text(line)


def recheck_started(report_ids: Sequence[int]) -> str:
    return _("Checking {numbers}; the results follow.").format(numbers=numbers(report_ids))


def recheck_usage(limit: int) -> str:
    return _("Usage: /recheck N…, for example /recheck 12 15 (at most {limit} at once).").format(
        limit=limit
    )


def recheck_too_many(limit: int) -> str:
    return _("At most {limit} reports at once.").format(limit=limit)


def probe_disabled() -> str:
    return _("Checks are turned off on this bot ({setting}).").format(
        setting="<code>[probe] enabled = false</code>"
    )


def recheck_results(lines: Sequence[CheckLine], skipped: Sequence[int]) -> str:
    out = [_("Checked:")]
    out += [f"#{line.report_id} · {check_text(line)}" for line in lines]
    if skipped:
        out.append(
            _("Not checked (no such report, or not a website or Telegram target): {numbers}")
            .format(numbers=numbers(skipped))
        )  # fmt: skip
    return fit_lines(out)


def render_probe_status(status: ProbeStatus, *, with_control: bool) -> str:
    lines = ["<b>" + _("Checks of forwarded targets") + "</b>"]
    lines.append(_("Due now: {count}").format(count=status.due_now))
    run = status.last_run
    if run is None:
        lines.append(_("No scheduled run yet."))
    else:
        started = to_almaty(run.started_at).strftime("%d.%m.%Y %H:%M")
        if run.finished_at is None:
            lines.append(_("Last run: started {at}, still going.").format(at=started))
        else:
            lines.append(
                _(
                    "Last run: {at}, {checked} checked — {online} online, {blocked} blocked, "
                    "{gone} gone, {unknown} inconclusive; {changed} status changes."
                ).format(
                    at=started,
                    checked=run.checked,
                    online=run.online,
                    blocked=run.blocked,
                    gone=run.gone,
                    unknown=run.unknown,
                    changed=run.changed,
                )
            )
    lines.append("")
    lines.append(_("Last 24 hours, checks by verdict:"))
    if not status.by_verdict:
        lines.append(_("none"))
    for verdict, count in sorted(status.by_verdict.items(), key=lambda item: -item[1]):
        lines.append(f"• {verdict_label(verdict)}: {count}")
    if status.alerts_pending:
        lines.append(
            _("Reappeared reports not yet told to moderators: {count}").format(
                count=status.alerts_pending
            )
        )
    lines.append("")
    lines.append(
        _("Seen from the bot's host and from abroad (control proxy).")
        if with_control
        else _("Seen from the bot's host only: no control proxy is configured.")
    )
    return fit_lines(lines)
