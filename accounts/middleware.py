
from django.conf import settings
from django.utils import timezone, translation

from collections_crm.lib.zones import zone_of


class UserPreferencesMiddleware:
    """Use the signed-in user's time zone, and their language unless the
    browser already carries an explicit choice from the language switch."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            timezone.activate(zone_of(user))
            if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and user.language:
                translation.activate(user.language)
                request.LANGUAGE_CODE = translation.get_language()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
