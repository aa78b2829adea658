"""A thin client for the WhatsApp Cloud API (Graph): transport, auth and error classification only.

Timeouts on connect and read; errors come back as `WhatsAppRetryable` (timeouts, connection errors, 429 with its
Retry-After, 5xx, Graph's throttling and transient codes) or `WhatsAppPermanent` (everything else, with the Graph
error code and a failure reason). Never call it inside a request or a database transaction: the outbox handler does.
"""

from dataclasses import dataclass
from typing import Any

import httpx

# Graph error codes (https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes).
RETRYABLE_CODES = {
    1,  # API unknown
    2,  # API service temporarily unavailable
    4,  # application request limit reached
    80007,  # WABA rate limit
    130429,  # throughput rate limit
    131000,  # something went wrong
    131016,  # service unavailable
    131048,  # spam rate limit
    131056,  # pair rate limit
    133004,  # server temporarily unavailable
}
INVALID_NUMBER_CODES = {131026, 131021, 131030, 131009, 100}
TEMPLATE_CODES = {132000, 132001, 132005, 132007, 132012, 132015, 132016, 132068, 132069}
OUTSIDE_WINDOW_CODES = {131047}
AUTH_CODES = {190, 0, 10, 3, 200}


class WhatsAppError(Exception):
    pass


class WhatsAppRetryable(WhatsAppError):  # noqa: N818 - reads as a verdict
    def __init__(self, message: str, *, retry_after: float | None = None, code: str = "") -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.code = code


class WhatsAppPermanent(WhatsAppError):  # noqa: N818 - reads as a verdict
    def __init__(self, message: str, *, code: str, reason: str) -> None:
        super().__init__(message)
        self.code = code
        self.reason = reason


@dataclass(frozen=True)
class ClientConfig:
    base_url: str
    token: str
    phone_number_id: str
    connect_timeout: float
    read_timeout: float


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


def _classify(code: int) -> str:
    if code in INVALID_NUMBER_CODES:
        return "invalid_number"
    if code in TEMPLATE_CODES:
        return "template"
    if code in OUTSIDE_WINDOW_CODES:
        return "outside_window"
    if code in AUTH_CODES:
        return "auth"
    return "other"


def template_payload(*, to: str, template: str, language: str, params: list[str]) -> dict[str, Any]:
    body: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to.lstrip("+"),
        "type": "template",
        "template": {"name": template, "language": {"code": language}},
    }
    if params:
        body["template"]["components"] = [
            {"type": "body", "parameters": [{"type": "text", "text": str(p)} for p in params]}
        ]
    return body


def send_template(config: ClientConfig, *, to: str, template: str, language: str, params: list[str]) -> str:
    """POST one template message; returns the provider's message id (wamid)."""
    url = f"{config.base_url.rstrip('/')}/{config.phone_number_id}/messages"
    timeout = httpx.Timeout(config.read_timeout, connect=config.connect_timeout)
    try:
        response = httpx.post(
            url,
            json=template_payload(to=to, template=template, language=language, params=params),
            headers={"Authorization": f"Bearer {config.token}"},
            timeout=timeout,
        )
    except httpx.TimeoutException as exc:
        raise WhatsAppRetryable(f"timeout: {exc.__class__.__name__}") from exc
    except httpx.TransportError as exc:
        raise WhatsAppRetryable(f"connection error: {exc.__class__.__name__}") from exc
    if response.status_code == 429:
        raise WhatsAppRetryable("rate limited (429)", retry_after=_retry_after(response), code="429")
    if response.status_code >= 500:
        raise WhatsAppRetryable(f"server error {response.status_code}", retry_after=_retry_after(response))
    try:
        data = response.json()
    except ValueError:
        data = {}
    if response.status_code >= 400:
        error = data.get("error") or {}
        code = int(error.get("code") or 0)
        message = str(error.get("message") or f"HTTP {response.status_code}")[:500]
        if code in RETRYABLE_CODES:
            raise WhatsAppRetryable(f"{code}: {message}", code=str(code))
        raise WhatsAppPermanent(f"{code}: {message}", code=str(code), reason=_classify(code))
    try:
        return str(data["messages"][0]["id"])
    except (KeyError, IndexError, TypeError) as exc:
        raise WhatsAppRetryable("unexpected response without a message id") from exc
