"""The demo book behind ``manage.py seed_demo`` (and ``make run``): believable,
deterministic teams, debtors, invoices, history, promises, disputes and
follow-ups, written with COPY. It may import any app; no app imports it.
"""
