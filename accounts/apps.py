from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Logins: invitations, roles given in the product, and single sign-on per organisation."""

    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model

        from actionplan import stamps

        # A login's name is shown wherever it changed something ("who" in history and recent
        # changes): in its organisations' plans, but a site superuser's, or a former member's,
        # in others too. Renames are rare, so a change to a login moves every plan's stamp.
        stamps.register(get_user_model(), lambda login: stamps.EVERY_PLAN)
