"""The run modes: settings read the environment, refuse unsafe combinations."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.embedded


def _run(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "DATABASE_REPLICA_URL",
            "REDIS_URL",
            "DEBUG",
            "SECRET_KEY",
            "MFA_ENCRYPTION_KEY",
        }
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


SHOW = (
    "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE','supportforum.settings');"
    "from django.conf import settings as s;"
    "print(s.DATABASES['default']['ENGINE'], s.CHANNEL_LAYERS['default']['BACKEND'],"
    " s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND)"
)


def test_embedded_default_needs_no_environment() -> None:
    result = _run(SHOW, {})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "channels.layers.InMemoryChannelLayer",
        "True",
        "django.core.mail.backends.console.EmailBackend",
    ]


def test_environment_switches_on_postgres_and_redis() -> None:
    result = _run(
        SHOW,
        {"DATABASE_URL": "postgres://u@db:5432/haven", "REDIS_URL": "redis://cache:6379/0"},
    )
    assert result.returncode == 0, result.stderr
    engine, layer, eager, _ = result.stdout.split()
    assert engine == "django.db.backends.postgresql"
    assert layer == "channels_redis.core.RedisChannelLayer"
    assert eager == "False"


def test_production_without_secret_key_refuses_to_start() -> None:
    result = _run(SHOW, {"DEBUG": "False"})
    assert result.returncode != 0
    assert "SECRET_KEY is required when DEBUG=False" in result.stderr


PRODUCTION = {"DEBUG": "False", "SECRET_KEY": "x" * 50}


def test_production_without_mfa_encryption_key_refuses_to_start() -> None:
    result = _run(SHOW, PRODUCTION)
    assert result.returncode != 0
    assert "MFA_ENCRYPTION_KEY is required when DEBUG=False" in result.stderr


def test_a_malformed_mfa_encryption_key_refuses_to_start() -> None:
    good = "q" * 43 + "="  # 32 bytes, url-safe base64
    result = _run(SHOW, {**PRODUCTION, "MFA_ENCRYPTION_KEY": f"{good},not-a-key"})
    assert result.returncode != 0
    assert "MFA_ENCRYPTION_KEY entry 2 is not a Fernet key" in result.stderr
    assert "not-a-key" not in result.stderr  # a key is never echoed
    assert _run(SHOW, {**PRODUCTION, "MFA_ENCRYPTION_KEY": good}).returncode == 0


def test_the_embedded_default_derives_an_mfa_key_from_the_secret_key() -> None:
    show_key = SHOW.split(";from")[0] + ";from django.conf import settings as s;"
    show_key += "print(s.MFA_ENCRYPTION_KEYS)"
    first = _run(show_key, {"SECRET_KEY": "one"})
    assert first.returncode == 0, first.stderr
    assert first.stdout != _run(show_key, {"SECRET_KEY": "two"}).stdout


def test_celery_worker_without_redis_fails_fast() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "celery", "-A", "supportforum", "worker"],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k != "REDIS_URL"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "needs REDIS_URL" in result.stderr


def test_check_deploy_is_clean_in_production_settings() -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}},
            "DEBUG": "False",
            "SECRET_KEY": "x" * 20 + "a-long-random-production-secret-key-for-the-check",
            "MFA_ENCRYPTION_KEY": "q" * 43 + "=",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


SHOW_EMAIL = (
    "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE','supportforum.settings');"
    "from django.conf import settings as s;"
    "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER,"
    " s.EMAIL_HOST_PASSWORD, s.EMAIL_USE_TLS, s.EMAIL_USE_SSL)"
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "submission://haven%40example.org:s3cr%2Fet@smtp.example.org:587",
            "smtp.EmailBackend smtp.example.org 587 haven@example.org s3cr/et True False",
        ),
        (
            "smtp://mailer:pw@mail.example.org:465?ssl=True",
            "smtp.EmailBackend mail.example.org 465 mailer pw False True",
        ),
    ],
)
def test_email_url_configures_smtp(url: str, expected: str) -> None:
    result = _run(SHOW_EMAIL, {"EMAIL_URL": url})
    assert result.returncode == 0, result.stderr
    assert result.stdout.replace("django.core.mail.backends.", "").split() == expected.split()


def test_email_url_console_and_unknown_scheme() -> None:
    console = _run(SHOW, {"EMAIL_URL": "console:"})
    assert console.stdout.split()[-1] == "django.core.mail.backends.console.EmailBackend"
    bad = _run(SHOW, {"EMAIL_URL": "carrier-pigeon://coop"})
    assert bad.returncode != 0
    assert "EMAIL_URL must look like submission://" in bad.stderr
    assert "'carrier-pigeon' is not a scheme Haven knows" in bad.stderr
