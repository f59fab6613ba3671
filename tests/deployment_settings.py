"""Production settings for tests that run the site under gunicorn, without collectstatic.

Everything is actionplan.settings as the environment makes it, except that static files are
served from the source folders (the compressed manifest needs `collectstatic` first).
"""

from actionplan.settings import *  # noqa: F403

STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
