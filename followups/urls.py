from django.urls import path

from . import queue_views, views

app_name = "followups"

urlpatterns = [
    path("queue/", queue_views.queue_view, name="queue"),
    path("queue/next/", queue_views.queue_next_view, name="queue-next"),
    path("queue/release/", queue_views.queue_release_view, name="queue-release"),
    path("sends/", views.sends_view, name="sends"),
    path("cadences/", views.cadence_list_view, name="cadences"),
    path("cadences/<str:debtor_type>/", views.cadence_edit_view, name="cadence-edit"),
    path("settings/", views.engine_settings_view, name="settings"),
    path("debtor/<uuid:public_id>/calendar/", views.debtor_calendar_view, name="calendar"),
    path("<uuid:public_id>/retry/", views.followup_retry_view, name="retry"),
    path("<uuid:public_id>/override/", views.followup_override_view, name="override"),
]

# Field visits (planning and the visit pack).
from . import visit_views  # noqa: E402

urlpatterns += [
    path("debtor/<uuid:public_id>/visit/plan/", visit_views.visit_plan_view, name="visit-plan"),
    path("debtor/<uuid:public_id>/visit/pack.pdf", visit_views.visit_pack_view, name="visit-pack"),
    path(
        "debtor/<uuid:public_id>/visit/pack/",
        visit_views.visit_pack_html_view,
        name="visit-pack-preview",
    ),
]

# The debtor workspace's forms (log an outcome, promise, dispute, callback...).
from . import workspace_views as ws  # noqa: E402

urlpatterns += [
    path("debtor/<uuid:public_id>/ws/log/", ws.log_view, name="ws-log"),
    path("debtor/<uuid:public_id>/ws/promise/", ws.promise_view, name="ws-promise"),
    path("debtor/<uuid:public_id>/ws/dispute/", ws.dispute_view, name="ws-dispute"),
    path(
        "debtor/<uuid:public_id>/ws/dispute/<uuid:dispute_id>/escalate/",
        ws.dispute_escalate_view,
        name="ws-dispute-escalate",
    ),
    path("debtor/<uuid:public_id>/ws/callback/", ws.callback_view, name="ws-callback"),
    path("debtor/<uuid:public_id>/ws/escalate/", ws.escalate_view, name="ws-escalate"),
    path("debtor/<uuid:public_id>/ws/type/", ws.type_view, name="ws-type"),
]

# Each side form alone, fresh: loaded into its panel when it opens (htmx), or a
# page of its own without JS.
urlpatterns += [
    path(
        f"debtor/<uuid:public_id>/ws/{name}/form/",
        ws.side_form_view,
        {"name": f"{name}_form"},
        name=f"ws-{name}-form",
    )
    for name in ("promise", "dispute", "callback", "escalate", "type")
]
