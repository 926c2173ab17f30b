"""Security headers, the Content Security Policy, and `check --deploy` in production."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as project_settings

pytestmark = pytest.mark.django_db
ROOT = Path(project_settings.BASE_DIR)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\b(src|type=\"application/json\")=?)[^>]*>", re.I)
EVENT_ATTRIBUTE = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_csp_header_forbids_inline_script(universe, client_for):
    csp = policy(client_for(universe.commissioner).get("/"))
    assert csp["script-src"] == ["'self'"]
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"] and csp["form-action"] == ["'self'"]
    assert csp["connect-src"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:"]
    # Plotly draws with inline styles; see docs/security.md.
    assert csp["style-src"] == ["'self'", "'unsafe-inline'"]


def test_csp_header_on_the_sign_in_page(client):
    assert policy(client.get("/login/"))["script-src"] == ["'self'"]


def test_csp_swagger_page_allows_only_its_own_inline_script(universe, client_for):
    response = client_for(universe.analyst).get("/api/v1/docs/")
    assert response.status_code == 200
    script_src = policy(response)["script-src"]
    assert "'unsafe-inline'" not in script_src
    assert script_src[0] == "'self'" and len(script_src) == 2
    assert script_src[1].startswith("'sha256-")


def test_csp_templates_hold_no_inline_script_or_event_handler():
    found = []
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        found += [f"{template}: {m.group(0)}" for m in INLINE_SCRIPT.finditer(text)]
        found += [f"{template}: {m.group(0)[:80]}" for m in EVENT_ATTRIBUTE.finditer(text)]
    assert found == []


def test_headers_frame_referrer_and_opener(universe, client_for):
    response = client_for(universe.commissioner).get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def production_environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "SESSION_"))}
    env.update(
        DJANGO_DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="commissioning.example.nhs.uk",
    )
    return env


def production_setting(expression: str):
    code = f"from django.conf import settings; print(repr({expression}))"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={**production_environment(), "DJANGO_SETTINGS_MODULE": "commissioning.settings"},
        cwd=ROOT, capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    return result.stdout.strip().splitlines()[-1]


def test_production_settings_turn_on_https_protections():
    names = [
        "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
    ]  # fmt: skip
    values = production_setting("(" + ", ".join(f"settings.{n}" for n in names) + ")")
    assert values == "(True, 31536000, True, True, True)"


def test_production_check_deploy_has_no_security_warnings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--tag", "security"],
        env=production_environment(), cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout, result.stdout + result.stderr
