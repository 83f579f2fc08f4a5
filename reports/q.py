"""Reusing a filter on Debtor or Invoice through a relation."""

from django.db.models import Q


def through(q: Q, prefix: str) -> Q:
    """``q`` with every lookup reached through ``prefix`` (``"debtor__"``):
    a filter on Debtor applied to invoices, payments or interactions."""
    out = Q()
    out.connector, out.negated = q.connector, q.negated
    for child in q.children:
        if isinstance(child, Q):
            out.children.append(through(child, prefix))
        else:
            out.children.append((prefix + child[0], child[1]))
    return out
