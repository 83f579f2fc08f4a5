"""Who may read and change the script library. Every authenticated user reads
it (collectors need the scripts); only managers and admins change it."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import User

from .models import TalkTrack


def user_can_edit_scripts(user: User) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_admin_role or user.role == User.Role.MANAGER)
    )


def track_get_for_user(user: User, public_id, *, write: bool = False) -> TalkTrack:
    """The track, or 404 when it does not exist (or the user is not signed in);
    403 when the user may read but not change it."""
    if not user.is_authenticated or not user.is_active:
        raise Http404
    try:
        track = TalkTrack.objects.select_related("created_by").get(public_id=public_id)
    except (TalkTrack.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if write and not user_can_edit_scripts(user):
        raise PermissionDenied
    return track
