"""A web look's verdict, and the verdict of a look from the bot's host beside the control's.

One vantage (the order matters: the first rule that applies decides):
- refused by the guard → REFUSED;
- the name does not exist → DEAD; a block-page address among its answers → BLOCKED_PAGE;
- TCP connected, then the TLS handshake stalled → BLOCKED_TLS;
- every address refused the connection → DEAD;
- any other failure (time-outs, a DNS server failure, a protocol error, too many redirects)
  → INCONCLUSIVE;
- a block-page marker in the page (whatever its status) → BLOCKED_PAGE;
- 404/410 or a parked/suspended marker → DEAD; 5xx → INCONCLUSIVE;
- 2xx or a final 3xx → ONLINE; any other 4xx (401, 403, 451…) → INCONCLUSIVE.

With the control: fails here and works there → BLOCKED (BLOCKED_TLS when the failure here was
the TLS stall, BLOCKED_PAGE when it was a block page); works here → ONLINE; fails on both →
DEAD, unless both are merely inconclusive (INCONCLUSIVE) or the failure here was a block page
(BLOCKED_PAGE: the block is what was observed, whatever is behind it). A control whose proxy
could not be reached (or whose redirect the guard refused) saw nothing: the verdict is the
host's alone, labelled as seen from the host.
"""

from services.probe.look import Failure, Look
from services.probe.options import ProbeOptions
from services.probe.page import has_marker, text_of
from services.probe.results import Vantage, Verdict

_FAILED_HERE = {
    Verdict.BLOCKED_TLS: Verdict.BLOCKED_TLS,
    Verdict.BLOCKED_PAGE: Verdict.BLOCKED_PAGE,
}


def verdict_of(look: Look, options: ProbeOptions) -> Verdict:
    failure = look.failure
    if failure is Failure.REFUSED:
        return Verdict.REFUSED
    if failure is Failure.NO_SUCH_NAME:
        return Verdict.DEAD
    if failure is Failure.BLOCK_ADDRESS:
        return Verdict.BLOCKED_PAGE
    if look.trail.tls == "stalled" and failure is not None:
        return Verdict.BLOCKED_TLS
    if failure is Failure.CONNECT_FAILED and look.trail.tcp and _all_refused(look.trail.tcp):
        return Verdict.DEAD
    if failure is not None or look.status is None:
        return Verdict.INCONCLUSIVE
    return _page_verdict(look, options)


def _all_refused(outcomes: list[str]) -> bool:
    return all(outcome == "refused" for outcome in outcomes)


def _page_verdict(look: Look, options: ProbeOptions) -> Verdict:
    status = look.status or 0
    text = text_of(look.body, look.content_type)
    if has_marker(text, options.block_page_markers):
        return Verdict.BLOCKED_PAGE
    if status in (404, 410) or has_marker(text, options.parked_markers):
        return Verdict.DEAD
    if status >= 500:
        return Verdict.INCONCLUSIVE
    if 200 <= status < 400:
        return Verdict.ONLINE
    return Verdict.INCONCLUSIVE


def combine(here: Verdict, there: Verdict, proxy_reached: bool) -> tuple[Verdict, Vantage]:
    """The verdict of the bot's host (`here`) and the control (`there`) together."""
    if not proxy_reached or there is Verdict.REFUSED:
        return here, Vantage.HOST  # nothing was seen through the control
    if here is Verdict.REFUSED:
        return here, Vantage.HOST_AND_CONTROL
    vantage = Vantage.HOST_AND_CONTROL
    if here is Verdict.ONLINE:
        return Verdict.ONLINE, vantage
    if there is Verdict.ONLINE:
        return _FAILED_HERE.get(here, Verdict.BLOCKED), vantage
    if here is Verdict.BLOCKED_PAGE:
        return Verdict.BLOCKED_PAGE, vantage
    if here is Verdict.INCONCLUSIVE and there is Verdict.INCONCLUSIVE:
        return Verdict.INCONCLUSIVE, vantage
    return Verdict.DEAD, vantage
