"""Every write in accounts: one function per use case, keyword-only, in a transaction.

One module per area; the names callers use are re-exported here
(``from accounts import services``; ``services.notify``)."""

from .blocks import member_block, member_unblock
from .data import (
    ERASURE_GRACE,
    account_erase,
    account_erasure_cancel,
    account_erasure_request,
    account_erasures_due,
    data_exports_purge,
    export_build,
    export_filename,
    export_for_download,
    export_latest,
    export_request,
    is_erased,
)
from .filters import content_filters_update
from .notifications import (
    DIGEST_BATCH,
    DIGEST_HOUR,
    RELEASE_BATCH,
    digest_due,
    digest_due_ids,
    digest_send,
    notification_email_send,
    notification_emails_release,
    notification_send,
    notification_settings_update,
    notifications_mark_read,
    notifications_pause,
    notify,
    profile_update,
    unsubscribe_apply,
    unsubscribe_check,
)

__all__ = [
    "DIGEST_BATCH",
    "DIGEST_HOUR",
    "ERASURE_GRACE",
    "RELEASE_BATCH",
    "account_erase",
    "account_erasure_cancel",
    "account_erasure_request",
    "account_erasures_due",
    "content_filters_update",
    "data_exports_purge",
    "digest_due",
    "digest_due_ids",
    "digest_send",
    "export_build",
    "export_filename",
    "export_for_download",
    "export_latest",
    "export_request",
    "is_erased",
    "member_block",
    "member_unblock",
    "notification_email_send",
    "notification_emails_release",
    "notification_send",
    "notification_settings_update",
    "notifications_mark_read",
    "notifications_pause",
    "notify",
    "profile_update",
    "unsubscribe_apply",
    "unsubscribe_check",
]
