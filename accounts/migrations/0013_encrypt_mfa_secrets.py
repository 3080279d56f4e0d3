"""Encrypt the two-factor secrets allauth.mfa stored in the clear before Haven's MFA adapter
(accounts.adapter.HavenMFAAdapter) encrypted them: a TOTP authenticator's ``secret``, and
a recovery-codes authenticator's ``seed`` and any ``migrated_codes``. Idempotent: values
already encrypted are left alone. Reversible (decrypts), for a rollback of the code."""

from django.db import migrations

from accounts.adapter import decrypt_secret, encrypt_secret, is_encrypted

# allauth.mfa passes these through MFAAdapter.encrypt/decrypt (totp/internal/auth.py,
# recovery_codes/internal/auth.py); webauthn keeps no secret.
SECRET_FIELDS = {"totp": ("secret",), "recovery_codes": ("seed", "migrated_codes")}


def _convert(value, change):
    if isinstance(value, list):
        return [_convert(item, change) for item in value]
    return change(value) if isinstance(value, str) else value


def _rewrite(apps, schema_editor, change) -> None:
    Authenticator = apps.get_model("mfa", "Authenticator")
    rows = Authenticator.objects.using(schema_editor.connection.alias).filter(
        type__in=list(SECRET_FIELDS)
    )
    for authenticator in rows.iterator():
        data = dict(authenticator.data)
        for field in SECRET_FIELDS[authenticator.type]:
            if field in data:
                data[field] = _convert(data[field], change)
        if data != authenticator.data:
            authenticator.data = data
            authenticator.save(update_fields=["data"])


def encrypt(apps, schema_editor) -> None:
    _rewrite(apps, schema_editor, lambda v: v if is_encrypted(v) else encrypt_secret(v))


def decrypt(apps, schema_editor) -> None:
    _rewrite(apps, schema_editor, lambda v: decrypt_secret(v) if is_encrypted(v) else v)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0012_meeting_notifications"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt, decrypt, elidable=True)]
