"""Edge sync: the catalogue is pushed to an external key-value store so that shelf QR scans never reach the ERP.

Transactional outbox. `catalogue_mark_changed` writes one `SyncEntry` per product code in the caller's transaction
(repeated changes coalesce into the row and bump its version). After commit a Celery task is kicked (and a beat
entry runs it every minute as a safety net); it claims up to 50 due rows with SELECT … FOR UPDATE SKIP LOCKED (so
two workers never send the same row), builds the JSON from the current data, posts it with an API-key header and
connect/read timeouts, and records the outcome:

* 2xx: the rows are done, unless they changed while in flight (version > claimed version): those go back to
  pending and the newer version is sent by the next batch, so no change is lost and none is sent twice.
* timeout, connection error, 429 (Retry-After honoured) or 5xx: retried with exponential backoff and jitter, up to
  MAX_ATTEMPTS, then failed.
* any other 4xx: failed at once (no retry), shown on the status page with its error and a retry button.
"""

import json
import logging
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from erp.catalogue.models import SyncEntry
from erp.catalogue.selectors import CACHE_NAMESPACE, product_cards
from erp.core.cache import bump_namespace
from erp.core.flags import async_side_effects_enabled
from erp.inventory.models import Product

logger = logging.getLogger(__name__)

BATCH_SIZE = 50  # the edge's documented batch limit; one POST of 50 cards is ~50 KB of JSON
MAX_ATTEMPTS = 8  # 30 s, 1, 2, 4, 8, 16, 32 min: about an hour of outage before a row is shown as failed
BACKOFF_BASE_SECONDS = 30
BACKOFF_CAP_SECONDS = 3600
RETRY_AFTER_CAP_SECONDS = 3600
LEASE_SECONDS = 120  # a claimed row is taken again after this (a killed worker); well above the HTTP timeouts
# 1,000 rows per task run, then the task re-enqueues itself; at worst 20 slow batches × the read timeout (10 s)
# stay under the task's soft time limit (300 s).
MAX_BATCHES_PER_RUN = 20
MARK_CHUNK = 500
API_KEY_HEADER = "X-Sync-API-Key"

_rng = random.Random()  # noqa: S311 - jitter, not security; tests replace it with a seeded one


def sync_enabled() -> bool:
    return bool(settings.CATALOGUE_SYNC_URL and settings.CATALOGUE_SYNC_API_KEY)


# ---------------------------------------------------------------------------------------------------------------
# Marking changes (inside the caller's transaction)


def catalogue_mark_changed(*, product_ids: Iterable[int]) -> int:
    """Queue these products for the edge in the current transaction: active ones as upserts, inactive ones as
    deletions. Call it from every service that writes a product or its variants. Returns the rows queued."""
    ids = sorted({int(pk) for pk in product_ids})
    if not ids:
        return 0
    entries: list[tuple[str, int | None, str]] = [
        (code, pk, SyncEntry.Operation.UPSERT.value if active else SyncEntry.Operation.DELETE.value)
        for pk, code, active in Product.objects.filter(pk__in=ids).values_list("pk", "code", "is_active")
    ]
    return _queue(entries)


def catalogue_mark_deleted(*, codes: Iterable[str]) -> int:
    """Queue deletions by code: for a product removed from the database or a code that was renamed away."""
    return _queue([(code, None, SyncEntry.Operation.DELETE.value) for code in sorted(set(codes)) if code])


def _queue(entries: list[tuple[str, int | None, str]]) -> int:
    if not entries:
        return 0
    entries.sort()  # rows are always locked in code order: concurrent writers never deadlock on the outbox
    now = timezone.now()
    table = SyncEntry._meta.db_table
    for start in range(0, len(entries), MARK_CHUNK):
        chunk = entries[start : start + MARK_CHUNK]
        values = ", ".join(["(%s, %s, %s, 'pending', 1, 0, 0, 0, %s, '', %s, %s)"] * len(chunk))
        params: list[Any] = []
        for code, product_id, operation in chunk:
            params += [code, product_id, operation, now, now, now]
        # One statement per chunk: insert, or bump the version of the existing row. A row in flight stays
        # `sending` (its worker puts it back to pending when it sees the newer version); others become due now.
        sql = f"""
            INSERT INTO {table} (code, product_id, operation, status, version, claimed_version, sent_version,
                                 attempts, next_attempt_at, last_error, created_at, updated_at)
            VALUES {values}
            ON CONFLICT (code) DO UPDATE SET
                product_id = COALESCE(EXCLUDED.product_id, {table}.product_id),
                operation = EXCLUDED.operation,
                version = {table}.version + 1,
                status = CASE WHEN {table}.status = 'sending' THEN 'sending' ELSE 'pending' END,
                attempts = CASE WHEN {table}.status = 'sending' THEN {table}.attempts ELSE 0 END,
                last_error = CASE WHEN {table}.status = 'sending' THEN {table}.last_error ELSE '' END,
                next_attempt_at = EXCLUDED.next_attempt_at,
                updated_at = EXCLUDED.updated_at
        """  # noqa: S608 - the table name is ours; every value is a parameter
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    transaction.on_commit(lambda: bump_namespace(CACHE_NAMESPACE))
    _kick_after_commit()
    return len(entries)


def _kick() -> None:
    from erp.catalogue.tasks import catalogue_sync_run as task

    if async_side_effects_enabled():
        task.delay()
    else:
        task.apply()


def _kick_after_commit() -> None:
    """One kick per transaction however many products it changed (the beat entry catches anything missed)."""
    if not sync_enabled():
        return
    conn = transaction.get_connection()
    if any(entry[1] is _kick for entry in conn.run_on_commit):
        return
    transaction.on_commit(_kick, robust=True)


def catalogue_resync() -> int:
    """Queue the whole catalogue (a full re-sync): every product, plus deletions for codes the edge may still hold
    whose product is gone."""
    queued = 0
    with transaction.atomic():
        ids = list(Product.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), MARK_CHUNK):
            queued += catalogue_mark_changed(product_ids=ids[start : start + MARK_CHUNK])
        known = set(Product.objects.values_list("code", flat=True))
        orphans = [c for c in SyncEntry.objects.values_list("code", flat=True) if c not in known]
        queued += catalogue_mark_deleted(codes=orphans)
    return queued


@transaction.atomic
def catalogue_retry_failed(*, entry_ids: Iterable[int] | None = None) -> int:
    """Failed rows (all, or the given ones) become due again with a fresh attempt count."""
    qs = SyncEntry.objects.filter(status=SyncEntry.Status.FAILED)
    if entry_ids is not None:
        qs = qs.filter(pk__in=list(entry_ids))
    count = qs.update(status=SyncEntry.Status.PENDING, attempts=0, next_attempt_at=timezone.now())
    if count:
        _kick_after_commit()
    return count


# ---------------------------------------------------------------------------------------------------------------
# Sending (the Celery task; never inside a request or a transaction)


@dataclass(frozen=True)
class Outcome:
    kind: str  # "ok", "retry" or "fail"
    error: str = ""
    retry_after: float | None = None


@dataclass
class RunResult:
    batches: int = 0
    delivered: int = 0
    retried: int = 0
    failed: int = 0
    more: bool = False  # stopped at MAX_BATCHES_PER_RUN with rows still due
    disabled: bool = False


def retry_delay(attempt: int, retry_after: float | None = None) -> float:
    """Seconds before attempt `attempt + 1`: the server's Retry-After when it gave one, else exponential backoff
    (30 s doubling, capped at an hour) with equal jitter (half fixed, half random) so retries do not stampede."""
    if retry_after is not None:
        return float(min(max(retry_after, 1.0), RETRY_AFTER_CAP_SECONDS))
    base = min(float(BACKOFF_CAP_SECONDS), BACKOFF_BASE_SECONDS * 2.0 ** max(attempt - 1, 0))
    return base / 2 + _rng.uniform(0, base / 2)


def parse_retry_after(value: str | None, *, now: datetime) -> float | None:
    """Retry-After as seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max((when - now).total_seconds(), 0.0)


def _claim(now: datetime) -> list[SyncEntry]:
    """Up to BATCH_SIZE due rows, locked so that concurrent workers skip them, marked `sending` under a lease."""
    due = Q(status=SyncEntry.Status.PENDING, next_attempt_at__lte=now) | Q(
        status=SyncEntry.Status.SENDING, claimed_until__lt=now
    )
    with transaction.atomic():
        rows = list(
            SyncEntry.objects.select_for_update(skip_locked=True)
            .filter(due)
            .order_by("next_attempt_at", "id")[:BATCH_SIZE]
        )
        if rows:
            SyncEntry.objects.filter(pk__in=[r.pk for r in rows]).update(
                status=SyncEntry.Status.SENDING,
                claimed_version=F("version"),
                claimed_until=now + timedelta(seconds=LEASE_SECONDS),
            )
    for row in rows:
        row.claimed_version = row.version
    return rows


def build_items(rows: list[SyncEntry]) -> list[dict[str, Any]]:
    """The JSON items of a batch, from the current data: an upsert with the public card, or a deletion."""
    cards = product_cards(products=Product.objects.filter(pk__in=[r.product_id for r in rows if r.product_id]))
    items: list[dict[str, Any]] = []
    for row in rows:
        card = cards.get(row.product_id) if row.product_id else None
        if card is None or not card["is_active"] or card["code"] != row.code:
            items.append({"op": SyncEntry.Operation.DELETE.value, "code": row.code, "version": row.claimed_version})
            continue
        product = {k: v for k, v in card.items() if k not in {"id", "is_active"}}
        upsert = SyncEntry.Operation.UPSERT.value
        items.append({"op": upsert, "code": row.code, "version": row.claimed_version, "product": product})
    return items


def post_batch(items: list[dict[str, Any]], *, now: datetime) -> Outcome:
    body = json.dumps({"action": "sync_batch", "items": items}, cls=DjangoJSONEncoder, ensure_ascii=False)
    timeout = httpx.Timeout(
        connect=settings.CATALOGUE_SYNC_CONNECT_TIMEOUT,
        read=settings.CATALOGUE_SYNC_READ_TIMEOUT,
        write=settings.CATALOGUE_SYNC_READ_TIMEOUT,
        pool=settings.CATALOGUE_SYNC_CONNECT_TIMEOUT,
    )
    headers = {
        API_KEY_HEADER: settings.CATALOGUE_SYNC_API_KEY,
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "HomeUpdateERP-catalogue-sync/1",
    }
    try:
        with httpx.Client(timeout=timeout, follow_redirects=False) as client:
            response = client.post(settings.CATALOGUE_SYNC_URL, content=body.encode(), headers=headers)
    except httpx.TimeoutException as exc:
        return Outcome("retry", f"timeout ({type(exc).__name__})")
    except httpx.TransportError as exc:
        return Outcome("retry", f"connection error ({type(exc).__name__}: {exc})"[:500])
    status = response.status_code
    if 200 <= status < 300:
        return Outcome("ok")
    detail = f"HTTP {status}: {response.text[:300]}"
    if status == 429:
        return Outcome("retry", detail, parse_retry_after(response.headers.get("Retry-After"), now=now))
    if status >= 500:
        return Outcome("retry", detail, parse_retry_after(response.headers.get("Retry-After"), now=now))
    return Outcome("fail", detail)


def _complete(rows: list[SyncEntry], outcome: Outcome, now: datetime) -> tuple[int, int, int]:
    """Record a batch's outcome. Returns (delivered, retried, failed)."""
    ids = [r.pk for r in rows]
    sending = SyncEntry.objects.filter(pk__in=ids, status=SyncEntry.Status.SENDING)
    with transaction.atomic():
        if outcome.kind == "ok":
            delivered = sending.filter(version=F("claimed_version")).update(
                status=SyncEntry.Status.DONE,
                sent_version=F("claimed_version"),
                attempts=0,
                last_error="",
                sent_at=now,
                claimed_until=None,
            )
            # Changed while in flight: the claimed version arrived, the newer one goes out with the next batch.
            changed = sending.update(
                status=SyncEntry.Status.PENDING,
                sent_version=F("claimed_version"),
                attempts=0,
                last_error="",
                sent_at=now,
                next_attempt_at=now,
                claimed_until=None,
            )
            return delivered + changed, 0, 0
        retried = failed = 0
        fresh = list(sending.select_for_update().order_by("pk"))
        for row in fresh:
            row.attempts += 1
            row.last_error = outcome.error[:1000]
            row.claimed_until = None
            row.updated_at = now
            changed_meanwhile = row.version != row.claimed_version
            if (outcome.kind == "fail" and not changed_meanwhile) or row.attempts >= MAX_ATTEMPTS:
                row.status = SyncEntry.Status.FAILED
                failed += 1
            else:
                row.status = SyncEntry.Status.PENDING
                delay = 0.0 if outcome.kind == "fail" else retry_delay(row.attempts, outcome.retry_after)
                row.next_attempt_at = now + timedelta(seconds=delay)
                retried += 1
        SyncEntry.objects.bulk_update(
            fresh, ["attempts", "last_error", "claimed_until", "status", "next_attempt_at", "updated_at"]
        )
        return 0, retried, failed


def catalogue_sync_run(*, now: Callable[[], datetime] = timezone.now, max_batches: int | None = None) -> RunResult:
    """Send due rows in batches until none is due, the endpoint fails, or `max_batches` were sent."""
    result = RunResult()
    if not sync_enabled():
        result.disabled = True
        return result
    for _ in range(max_batches or MAX_BATCHES_PER_RUN):
        rows = _claim(now())
        if not rows:
            return result
        outcome = post_batch(build_items(rows), now=now())
        delivered, retried, failed = _complete(rows, outcome, now())
        result.batches += 1
        result.delivered += delivered
        result.retried += retried
        result.failed += failed
        if outcome.kind != "ok":
            logger.warning("catalogue sync: batch of %d not delivered: %s", len(rows), outcome.error)
            return result  # the endpoint is in trouble: the rows wait for their retry time
    result.more = True
    return result
