"""Response headers that Django's SecurityMiddleware does not send.

Permissions-Policy: the portal uses no camera, microphone, location,
payment or sensor, embeds no third-party frame (news.sanitize drops
iframes) and plays nothing by itself, so every powerful feature is switched
off for the page and for anything it could embed. A script that got in
anyway (a compromised dependency, an XSS this site missed) can then not ask
the reader for their camera or position. Only features Chromium and Firefox
know are listed: an unknown name is reported as an error in the console.
Fullscreen stays allowed for the site itself (a photo shown full screen).

The nginx site (deploy/nginx.conf) sends the same header on the static and
media files it serves itself; the value is PERMISSIONS_POLICY in settings.
"""

from django.conf import settings

DEFAULT_PERMISSIONS_POLICY = ", ".join(
    [
        "accelerometer=()",
        "autoplay=()",
        "camera=()",
        "display-capture=()",
        "encrypted-media=()",
        "fullscreen=(self)",
        "geolocation=()",
        "gyroscope=()",
        "magnetometer=()",
        "microphone=()",
        "midi=()",
        "payment=()",
        "picture-in-picture=()",
        "publickey-credentials-get=()",
        "screen-wake-lock=()",
        "usb=()",
        "xr-spatial-tracking=()",
    ]
)


class PermissionsPolicyMiddleware:
    """Adds Permissions-Policy to every response that has none yet.

    Placed first in MIDDLEWARE, so it also reaches the page cache's answers
    (public.caching), whitenoise's static files, error pages and media
    served by the app.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.value = getattr(settings, "PERMISSIONS_POLICY", DEFAULT_PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        if self.value:
            response.headers.setdefault("Permissions-Policy", self.value)
        return response
