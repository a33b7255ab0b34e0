"""portal.settings for a worker whose killed task must come back in seconds.

Redis hands an unacknowledged message back once it is older than the
visibility timeout, in sweeps run every unacked_restore_interval x
unacked_restore_throttle seconds (100 s by default). Production keeps the
hour and the default sweeps (the rendition sweeper re-queues a lost photo
within minutes); the SIGKILL scenario shortens both so it runs in seconds.
"""

from portal.settings import *  # noqa: F403

CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,  # noqa: F405
    "visibility_timeout": 5,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
