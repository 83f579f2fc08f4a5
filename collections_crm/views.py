from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.models import User
from debtors.models import DebtorType
from debtors.permissions import debtor_queryset_for_user
from debtors.selectors import debtor_list
from desk.queue_views import queue_filters, session_holder
from followups.permissions import user_works_queue
from followups.queue import bucket_choices, queue_for
from reports.selectors import portfolio_totals, team_overview

HOME_ROWS = 25


@require_GET
@login_required
def home(request):
    """Each role lands on its own start page."""
    user = request.user
    debtors = debtor_queryset_for_user(user)
    context = {"totals": portfolio_totals(debtors=debtors)}
    if user.is_admin_role:
        template = "home/admin.html"
        context["team_rows"] = team_overview(manager=user)
    elif user.role == User.Role.MANAGER:
        template = "home/manager.html"
        context["team_rows"] = team_overview(manager=user)
        context["top_debtors"] = debtor_list(user=user)[:10]
    elif user.role == User.Role.FINANCE:
        return redirect("imports:list")
    else:
        template = "home/collector.html"
        context["debtors"] = debtor_list(user=user)[:HOME_ROWS]
        if user_works_queue(user):
            filters = queue_filters(request.GET)
            context["queue"] = queue_for(user, filters=filters, holder=session_holder(request))
            context.update(filters=filters, types=DebtorType.choices, buckets=bucket_choices())
    return render(request, template, context)


@never_cache
@require_GET
def healthz(request):
    """Liveness and database reachability, for the compose health checks."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return JsonResponse({"status": "ok"})
