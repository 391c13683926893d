"""Where the till keeps what sync remembers: keys of the ``settings`` table, and the two questions the window
asks before anything of sync is loaded (is the till enrolled? is it the local demo store?). Kept apart from
``app.services.syncing`` so that asking them does not load the HTTP client."""

from __future__ import annotations

from app.store.db import Store
from app.store.settings import get_setting

# Settings keys (values are JSON).
CENTRAL_URL = "sync.central_url"
TOKEN = "sync.token"
VERIFY_TLS = "sync.verify_tls"
EPOCH = "sync.epoch"
NEXT_SEQ = "sync.next_seq"
BATCH = "sync.batch"
CURSOR = "sync.cursor"
LAST_SUCCESS = "sync.last_success"
LAST_FAILURE = "sync.last_failure"
PULL_STOPPED = "sync.pull_stopped"
"""Why the pull stopped before a change this till cannot take in yet (a kind it does not know): one sentence,
cleared when a pull takes everything in again."""
STORE_CODE = "sync.store_code"
TILL_NAME = "sync.till_name"
LOCAL_CENTRAL = "sync.local_central"
"""True when the till is enrolled with the local central ``python -m app run`` starts beside it."""

DEMO_STORE_CODE = "DEMO"
"""The store the local central makes for the demo till."""


def is_enrolled(store: Store) -> bool:
    with store.read() as session:
        return get_setting(session, TOKEN) is not None and get_setting(session, CENTRAL_URL) is not None


def is_demo_store(store: Store) -> bool:
    """The till is the demo store of a local central (``python -m app run`` on its first start)."""
    with store.read() as session:
        return (
            bool(get_setting(session, LOCAL_CENTRAL)) and get_setting(session, STORE_CODE) == DEMO_STORE_CODE
        )
