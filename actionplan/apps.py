from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ActionplanConfig(AppConfig):
    name = "actionplan"
    verbose_name = "Action plan"

    def ready(self):
        from .guards import install_after_migrate

        post_migrate.connect(install_after_migrate, sender=self)
