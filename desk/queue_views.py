"""The collector's queue page, Next and release. Thin: parse, call the queue."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from debtors.aging import bucket_named
from debtors.models import DebtorType
from followups.permissions import user_works_queue
from followups.queue import QueueFilters, bucket_choices, claim_release, queue_for, queue_next


def session_holder(request) -> str:
    """One claim holder per browser session: two tabs of one login share it,
    two sessions (or two people) do not."""
    if not request.session.session_key:
        request.session.save()
    return f"s:{request.session.session_key}"


def queue_filters(params) -> QueueFilters:
    debtor_type = params.get("type", "")
    bucket = params.get("bucket", "")
    return QueueFilters(
        debtor_type=debtor_type if debtor_type in DebtorType.values else "",
        bucket=bucket if bucket_named(bucket) else "",
        open_now=params.get("open_now") in ("1", "on", "true"),
    )


@require_GET
@login_required
def queue_view(request):
    if not user_works_queue(request.user):
        raise Http404
    filters = queue_filters(request.GET)
    queue = queue_for(request.user, filters=filters, holder=session_holder(request))
    context = {
        "queue": queue,
        "filters": filters,
        "types": DebtorType.choices,
        "buckets": bucket_choices(),
    }
    return render(request, "desk/queue.html", context)


@require_POST
@login_required
def queue_next_view(request):
    """Claim the best debtor nobody is working and open their workspace."""
    if not user_works_queue(request.user):
        raise Http404
    item = queue_next(
        user=request.user, holder=session_holder(request), filters=queue_filters(request.POST)
    )
    if item is None:
        messages.info(request, _("Nothing left to call right now. Well done."))
        return redirect("desk:queue")
    return redirect("desk:debtor", public_id=item.debtor.public_id)


@require_POST
@login_required
def queue_release_view(request):
    """Give back the debtor this session is working (leave it for someone else)."""
    if not user_works_queue(request.user):
        raise Http404
    claim_release(user=request.user, holder=session_holder(request))
    messages.info(request, _("Released: the debtor is back in the queue."))
    return redirect("desk:queue")
