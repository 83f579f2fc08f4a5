from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import User

_NAV = {
    User.Role.COLLECTOR: [
        ("home", _("My queue")),
        ("desk:debtors", _("My debtors")),
        ("reports:me", _("My month")),
    ],
    User.Role.MANAGER: [
        ("home", _("Team overview")),
        ("desk:queue", _("My queue")),
        ("desk:debtors", _("Team debtors")),
        ("reports:overview", _("Reports")),
        ("scripts:list", _("Script library")),
        ("followups:sends", _("Reminders")),
        ("followups:cadences", _("Cadences")),
    ],
    User.Role.FINANCE: [
        ("imports:list", _("Imports")),
        ("desk:debtors", _("All debtors")),
        ("reports:overview", _("Reports")),
    ],
    User.Role.ADMIN: [
        ("home", _("Overview")),
        ("desk:debtors", _("All debtors")),
        ("reports:overview", _("Reports")),
        ("imports:list", _("Imports")),
        ("scripts:list", _("Script library")),
        ("followups:sends", _("Reminders")),
        ("followups:cadences", _("Cadences")),
    ],
}


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    role = User.Role.ADMIN if user.is_superuser else user.role
    current = request.path
    items = []
    for url_name, label in _NAV.get(role, []):
        url = reverse(url_name)
        active = current == url if url == "/" else current.startswith(url)
        items.append({"url": url, "label": label, "active": active})
    return {"nav_items": items, "show_admin_link": user.is_staff}
