"""Views of logins: organisations (site superusers), logins and roles (organisation
administrators), and signing in (invitations, single sign-on, password reset)."""
