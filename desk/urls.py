"""The collector's pages. Mounted at the site root; the paths keep the
prefixes they always had (``/debtors/…``, ``/followups/…``)."""

from django.urls import path

from . import queue_views, type_suggestion_views, views, visit_views
from . import workspace_side_views as side
from . import workspace_views as ws

app_name = "desk"

WS = "followups/debtor/<uuid:public_id>/ws"
VISIT = "followups/debtor/<uuid:public_id>/visit"

urlpatterns = [
    path("debtors/", views.debtor_list_view, name="debtors"),
    path("debtors/<uuid:public_id>/", views.debtor_detail_view, name="debtor"),
    # The call queue.
    path("followups/queue/", queue_views.queue_view, name="queue"),
    path("followups/queue/next/", queue_views.queue_next_view, name="queue-next"),
    path("followups/queue/release/", queue_views.queue_release_view, name="queue-release"),
    # Field visits (planning and the visit pack).
    path(f"{VISIT}/plan/", visit_views.visit_plan_view, name="visit-plan"),
    path(f"{VISIT}/pack.pdf", visit_views.visit_pack_view, name="visit-pack"),
    path(f"{VISIT}/pack/", visit_views.visit_pack_html_view, name="visit-pack-preview"),
    # The debtor workspace's forms (log an outcome, promise, dispute, callback...).
    path(f"{WS}/log/", ws.log_view, name="ws-log"),
    path(f"{WS}/promise/", side.promise_view, name="ws-promise"),
    path(f"{WS}/dispute/", side.dispute_view, name="ws-dispute"),
    path(
        f"{WS}/dispute/<uuid:dispute_id>/escalate/",
        side.dispute_escalate_view,
        name="ws-dispute-escalate",
    ),
    path(f"{WS}/callback/", side.callback_view, name="ws-callback"),
    path(f"{WS}/escalate/", side.escalate_view, name="ws-escalate"),
    path(f"{WS}/type/", side.type_view, name="ws-type"),
    path(
        f"{WS}/type-suggestion/",
        type_suggestion_views.type_suggestion_decide_view,
        name="ws-type-suggestion",
    ),
]

# Each side form alone, fresh: loaded into its panel when it opens (htmx), or a
# page of its own without JS.
urlpatterns += [
    path(
        f"{WS}/{name}/form/", side.side_form_view, {"name": f"{name}_form"}, name=f"ws-{name}-form"
    )
    for name in ("promise", "dispute", "callback", "escalate", "type")
]
