from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DebtorsConfig(AppConfig):
    name = "debtors"
    verbose_name = _("Debtors and invoices")
