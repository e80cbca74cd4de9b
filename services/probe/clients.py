"""The probe's two httpx clients: the direct one over the guard, and the control one whose
only connection is to the configured proxy.

httpx 0.28's transport takes no network backend (a pull request to add one is open upstream),
so `_GuardedTransport` builds httpx's own transport and gives it an httpcore pool that has
one: requests still pass httpx's request conversion and exception mapping.
"""

import ssl
from http.cookiejar import CookieJar, DefaultCookiePolicy

import httpcore
import httpx

from services.probe.guard import Guard, GuardedBackend, ProxyOnlyBackend
from services.probe.options import ProbeOptions


def observing_tls_context() -> ssl.SSLContext:
    """TLS that completes whatever certificate a shop shows: the probe records, it does not
    trust. No CA store is loaded (none is needed), so building it does not touch the disk."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


class _GuardedTransport(httpx.AsyncHTTPTransport):
    def __init__(self, pool: httpcore.AsyncConnectionPool) -> None:
        super().__init__(verify=False)  # builds a throwaway pool, loading no CA store
        self._pool = pool


def _client(transport: httpx.AsyncBaseTransport, options: ProbeOptions) -> httpx.AsyncClient:
    # A jar that takes no cookie: nothing one shop sets reaches the next check.
    jar = CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))
    return httpx.AsyncClient(
        transport=transport,
        trust_env=False,
        follow_redirects=False,
        cookies=jar,
        timeout=httpx.Timeout(
            connect=options.connect_timeout,
            read=options.read_timeout,
            write=options.read_timeout,
            pool=options.connect_timeout,
        ),
        headers={
            "User-Agent": options.user_agent,
            "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
            # As the browser the User-Agent names would; Telegram's preview pages are read in
            # English (services/probe/telegram_pages.py).
            "Accept-Language": "en-US,en;q=0.5",
            # Identity: a compressed body could expand far past the cap in one chunk.
            "Accept-Encoding": "identity",
            "Connection": "close",
        },
    )


def direct_client(guard: Guard, options: ProbeOptions) -> httpx.AsyncClient:
    pool = httpcore.AsyncConnectionPool(
        ssl_context=observing_tls_context(),
        # No keep-alive: every look makes (and records) its own connections.
        max_connections=None,
        max_keepalive_connections=0,
        retries=0,
        network_backend=GuardedBackend(guard),
    )
    return _client(_GuardedTransport(pool), options)


def control_client(proxy: str, options: ProbeOptions) -> httpx.AsyncClient:
    """A client through `proxy` (http:// or https://; socks5:// needs the socksio package)."""
    url = httpx.URL(proxy)
    default_port = {"http": 80, "https": 443, "socks5": 1080, "socks5h": 1080}
    if url.scheme not in default_port or not url.host:
        raise ValueError("probe.control_proxy must be an http://, https:// or socks5:// URL")
    port = url.port or default_port[url.scheme]
    backend = ProxyOnlyBackend(url.raw_host.decode("ascii"), port)
    proxy_url = httpcore.URL(
        scheme=url.raw_scheme, host=url.raw_host, port=port, target=url.raw_path
    )
    auth = (url.username.encode(), url.password.encode()) if url.username or url.password else None
    pool: httpcore.AsyncConnectionPool
    if url.scheme in ("socks5", "socks5h"):
        pool = httpcore.AsyncSOCKSProxy(
            proxy_url=proxy_url,
            proxy_auth=auth,
            ssl_context=observing_tls_context(),
            max_connections=None,
            max_keepalive_connections=0,
            network_backend=backend,
        )
    else:
        pool = httpcore.AsyncHTTPProxy(
            proxy_url=proxy_url,
            proxy_auth=auth,
            ssl_context=observing_tls_context(),
            # The proxy is the operator's, and trusted with every target: its certificate is
            # verified (unlike the shops').
            proxy_ssl_context=ssl.create_default_context() if url.scheme == "https" else None,
            max_connections=None,
            max_keepalive_connections=0,
            network_backend=backend,
        )
    return _client(_GuardedTransport(pool), options)
