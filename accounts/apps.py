from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Logins: invitations, roles given in the product, and single sign-on per organisation."""

    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"
