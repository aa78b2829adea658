"""reliability.md T2 and the CORS rule: the headers of an HTTP-Observatory A+ profile."""

import pytest
from django.test import Client, override_settings

from erp.accounts.models import User

pytestmark = pytest.mark.django_db

PRODUCTION_SECURITY = {
    "SECURE_HSTS_SECONDS": 31536000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "SECURE_SSL_REDIRECT": True,
}


@pytest.fixture
def secure_client() -> Client:
    return Client(enforce_csrf_checks=True)


@override_settings(**PRODUCTION_SECURITY)
def test_html_pages_carry_the_a_plus_headers(secure_client: Client) -> None:
    response = secure_client.get("/accounts/login/", secure=True)
    assert response.status_code == 200
    hsts = response["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts
    csp = response["Content-Security-Policy"]
    script_src = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'nonce-" in script_src
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] in {"same-origin", "strict-origin-when-cross-origin", "no-referrer"}
    assert response["X-Frame-Options"] == "DENY"
    csrf = response.cookies["csrftoken"]
    assert csrf["secure"] and csrf["samesite"] == "Lax"


@override_settings(**PRODUCTION_SECURITY)
def test_session_cookie_is_secure_httponly_lax(secure_client: Client) -> None:
    User.objects.create_user(username="u1", password="Correct-Horse-42")
    page = secure_client.get("/accounts/login/", secure=True)
    token = page.cookies["csrftoken"].value
    response = secure_client.post(
        "/accounts/login/",
        {"username": "u1", "password": "Correct-Horse-42", "csrfmiddlewaretoken": token},
        secure=True,
        HTTP_REFERER="https://testserver/accounts/login/",
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"


@override_settings(**PRODUCTION_SECURITY)
def test_plain_http_is_redirected_to_https() -> None:
    response = Client().get("/accounts/login/")
    assert response.status_code == 301 and response["Location"].startswith("https://")


def test_script_nonce_matches_the_policy(client: Client) -> None:
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.content.decode()


def test_unknown_host_is_rejected(client: Client) -> None:
    assert client.get("/accounts/login/", HTTP_HOST="evil.com").status_code == 400


def test_cors_allows_only_listed_origins(client: Client) -> None:
    allowed = client.options(
        "/api/v1/me/", HTTP_ORIGIN="https://partner.example.com", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET"
    )
    assert allowed["Access-Control-Allow-Origin"] == "https://partner.example.com"
    unknown = client.get("/api/v1/me/", HTTP_ORIGIN="https://evil.example.net")
    assert "Access-Control-Allow-Origin" not in unknown
    html = client.get("/accounts/login/", HTTP_ORIGIN="https://partner.example.com")
    assert "Access-Control-Allow-Origin" not in html  # only the API is cross-origin


def test_dynamic_responses_are_compressed(client: Client) -> None:
    response = client.get("/accounts/login/", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]


def test_request_id_is_echoed(client: Client) -> None:
    generated = client.get("/healthz")
    assert len(generated["X-Request-ID"]) == 32
    passed = client.get("/healthz", HTTP_X_REQUEST_ID="proxy-abc-12345")
    assert passed["X-Request-ID"] == "proxy-abc-12345"
    refused = client.get("/healthz", HTTP_X_REQUEST_ID="bad id with spaces<script>")
    assert refused["X-Request-ID"] != "bad id with spaces<script>"


def test_admin_is_for_superusers_only(client: Client) -> None:
    from django.conf import settings

    staff = User.objects.create_user(username="staff", password="Correct-Horse-42", is_staff=True)
    client.force_login(staff)
    assert client.get(f"/{settings.ADMIN_URL}").status_code == 302  # sent to the admin login
    boss = User.objects.create_superuser(username="boss", password="Correct-Horse-42")
    client.force_login(boss)
    assert client.get(f"/{settings.ADMIN_URL}").status_code == 200
