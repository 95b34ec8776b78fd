import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mediation.settings")

application = get_wsgi_application()

# In production only the sealer may hold the checkpoint signing key (decision 0014).
from mediation.audit.checkpoints import refuse_signing_key_in_web_process  # noqa: E402

refuse_signing_key_in_web_process()
