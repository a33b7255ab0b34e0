from django.conf import settings
from django.utils import translation


class PathLanguageMiddleware:
    """The language comes from the address: /en/... is English, the rest is
    Bahasa Indonesia, whatever the browser's Accept-Language says.

    Django's LocaleMiddleware would follow Accept-Language (and a cookie) on
    every address without a prefix: the admin, the dashboard and the login,
    which would show most editors with an English browser a half-translated
    English newsroom. Here nothing but the path decides, so a page never
    varies by a request header or a cookie and any cache may keep it.

    It must run before the URL is resolved: the /en/ prefix of the reader's
    pages (portal.urls) matches only while English is active.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefixed = {
            code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE
        }

    def __call__(self, request):
        language = translation.get_language_from_path(request.path_info)
        if language not in self.prefixed:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
