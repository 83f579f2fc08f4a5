"""The engine: what happens next, when, and through which channel.

- the record of contact: interactions, promises and instalments (``models``);
  the writes made from a call (``outcomes``) and promise evaluation
  (``services``, ``events``);
- when to call: ``timing`` (pure functions over ``timing_*``: the debtor's
  calendar, weekday × hour weights, the lawful rules, slot search, reasons in
  words), the contact policy (``policy``) and the nightly plan (``planning``);
- the call queue: ranking and claims (``queue``, with its SQL in
  ``queue_sql``); pages over it live in ``desk``;
- reminders sent exactly once (``sending``) through ``channels/`` (SMS, email);
- Celery tasks (``tasks``), the engine's settings pages (``views``).
"""
