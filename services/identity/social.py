"""Social platforms: accounts fold across handle case, posts stay their own targets.

Handles are case-insensitive on every platform here, so the handle segment is lowercased;
post ids and shortcodes (``instagram.com/p/AbC``, ``watch?v=ID``) keep their case. On
Instagram, TikTok, X and Threads the query never selects content, so it is dropped entirely;
on YouTube, VK and Facebook only tracking parameters go (``w=wall-1_2``, ``id=`` matter there).
``site_key`` is the account (``instagram.com/shop``) when the link names one, otherwise the key:
grouping by registered domain would put every Instagram shop into one site.
"""

from dataclasses import replace

from models.enums import TargetKind
from services.identity.hosts import registered_domain
from services.identity.model import Target
from services.identity.web import WebLink

PLATFORM_HOSTS = {
    "instagram.com": "instagram.com",
    "instagr.am": "instagram.com",
    "tiktok.com": "tiktok.com",
    "vk.com": "vk.com",
    "vk.ru": "vk.com",
    "vkontakte.ru": "vk.com",
    "youtube.com": "youtube.com",
    "youtu.be": "youtube.com",
    "x.com": "x.com",
    "twitter.com": "x.com",
    "facebook.com": "facebook.com",
    "fb.com": "facebook.com",
    "threads.net": "threads.com",
    "threads.com": "threads.com",
}
FACEBOOK_MIRRORS = frozenset({"mbasic", "web", "touch"})
QUERYLESS = frozenset({"instagram.com", "tiktok.com", "x.com", "threads.com"})
# First path segments that are the platform's own pages rather than somebody's handle.
ROUTES = {
    "instagram.com": frozenset(
        {"p", "reel", "reels", "tv", "stories", "explore", "accounts", "direct", "s", "about"}
    ),
    "x.com": frozenset(
        {"i", "home", "search", "hashtag", "intent", "share", "explore", "settings", "messages"}
    ),
    "facebook.com": frozenset(
        {"share", "sharer", "sharer.php", "watch", "photo", "photo.php", "permalink.php"}
        | {"story.php", "reel", "events", "marketplace", "groups", "profile.php", "p", "l.php"}
        | {"people", "pages", "hashtag", "media", "video.php", "stories", "login"}
    ),
}
AT_HANDLE_PLATFORMS = frozenset({"tiktok.com", "youtube.com", "threads.com"})
# youtube.com/shorts/ID and friends are the same video as watch?v=ID.
YOUTUBE_VIDEO_ROUTES = frozenset({"shorts", "live", "embed", "v"})


def social_target(link: WebLink) -> Target | None:
    """Return a SOCIAL target for a platform link, or None when the host is no platform."""
    site = registered_domain(link.host)
    platform = PLATFORM_HOSTS.get(site)
    if platform is None:
        return None
    subdomain = link.host.removesuffix(site).removesuffix(".")
    if subdomain and not (platform == "facebook.com" and subdomain in FACEBOOK_MIRRORS):
        # vm.tiktok.com short links, music.youtube.com ...: the platform's, but no handle rules.
        key, display = link.render()
        return Target(key=key, kind=TargetKind.SOCIAL, display=display, site_key=key)
    link = replace(link, host=platform, port=None)
    if site == "youtu.be" or platform == "youtube.com":
        link = _youtube_video(link, short=site == "youtu.be")
    if platform in QUERYLESS:
        link = replace(link, query=())
    handle_at = _handle_index(platform, link.segments)
    site_key = ""
    if handle_at is not None:
        segments = list(link.segments)
        if segments[handle_at].isascii() and "%" not in segments[handle_at]:
            segments[handle_at] = segments[handle_at].lower()
        link = replace(link, segments=tuple(segments))
        site_key = f"{platform}/{segments[handle_at]}"
    key, display = link.render()
    return Target(key=key, kind=TargetKind.SOCIAL, display=display, site_key=site_key or key)


def _youtube_video(link: WebLink, *, short: bool) -> WebLink:
    segments = link.segments
    if short and segments:
        return replace(link, segments=("watch",), query=(("v", segments[0]),))
    if len(segments) >= 2 and segments[0] in YOUTUBE_VIDEO_ROUTES:
        return replace(link, segments=("watch",), query=(("v", segments[1]),))
    if segments == ("watch",):
        # The video is the target; t=, list=, index= only say where and with what it played.
        return replace(link, query=tuple(pair for pair in link.query if pair[0] == "v"))
    return link


def _handle_index(platform: str, segments: tuple[str, ...]) -> int | None:
    if not segments:
        return None
    first = segments[0]
    if platform in AT_HANDLE_PLATFORMS:
        return 0 if first.startswith("@") and len(first) > 1 else None
    if platform == "instagram.com" and first == "stories" and len(segments) > 1:
        return 1
    if platform == "vk.com" or first not in ROUTES.get(platform, frozenset()):
        return 0
    return None
