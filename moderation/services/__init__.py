"""Every moderation write: one function per use case, in a transaction, permission-checked,
audited. One module per area; import the area you need
(``from moderation.services import flags``)."""
