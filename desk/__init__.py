"""The collector's desk: the pages people work in, as thin views over the
domain. The debtor list and the debtor's page (``views``, the workspace reads
in ``workspace``, its forms in ``workspace_forms``, their views in
``workspace_views``), the call queue's page and API (``queue_views``,
``queue_api``), field visits and the printable visit pack (``visit_views``,
``visit_pack``). It holds no models and no rules: those live in ``debtors``
and ``followups``.
"""
