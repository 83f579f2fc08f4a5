from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScriptsLibraryConfig(AppConfig):
    name = "scripts_library"
    verbose_name = _("Script library")
