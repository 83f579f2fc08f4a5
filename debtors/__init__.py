"""The ledger: debtors, contacts, invoices, payments and their allocation,
disputes, and the finance imports that fill them.

One rule each, defined here because this app owns the data:
- who may see which debtor: ``permissions.debtor_scope`` (a queryset filter
  and its SQL twin) and ``debtor_queryset_for_user`` / ``debtor_get_for_user``;
- an invoice's status: ``invoice_status`` (Python and SQL side by side);
- aging buckets, per currency: ``aging``;
- the denormalised summaries the queue ranks by: ``summary_services``.

Writes: ``services`` (re-exporting ``payment_services``, ``dispute_services``,
``summary_services``). Reads: ``selectors``. API: ``api``. Aging-report and
bank-file imports: ``imports/`` (read, parse, stage, apply set-based, undo).
"""
