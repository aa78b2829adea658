import io
import json
import logging

from django.conf import settings
from django.test import Client

from erp.core.logging import request_id_var


def test_json_log_lines_carry_the_request_id() -> None:
    """The production formatter, built from settings, writes one JSON object per line with the request id."""
    from pythonjsonlogger.json import JsonFormatter

    spec = dict(settings.LOGGING["formatters"]["json"])
    spec.pop("()")
    spec["fmt"] = spec.pop("format")  # dictConfig's name for the argument
    formatter = JsonFormatter(**spec)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    logger = logging.getLogger("erp.test.json")
    logger.addHandler(handler)
    logger.propagate = False
    token = request_id_var.set("abc123def456")
    try:
        logger.warning("order %s placed", "CAI-0001-0001")
    finally:
        request_id_var.reset(token)
        logger.removeHandler(handler)
    line = json.loads(stream.getvalue().strip().splitlines()[-1])
    assert line["request_id"] == "abc123def456"
    assert line["level"] == "WARNING" and line["logger"] == "erp.test.json"
    assert line["message"] == "order CAI-0001-0001 placed"


def test_request_id_reaches_logs_during_a_request(client: Client, caplog: object) -> None:
    import pytest

    assert isinstance(caplog, pytest.LogCaptureFixture)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/does-not-exist/", HTTP_X_REQUEST_ID="req-1234567890")
    assert response.status_code == 404
    records = [r for r in caplog.records if r.name == "django.request"]
    assert records and all(getattr(r, "request_id", None) == "req-1234567890" for r in records)
