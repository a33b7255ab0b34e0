"""The read counter the article page calls: no cookie, no CSRF token, no cache.

Article pages come from the page cache and nginx's micro-cache, so their view
does not run on every read; the page asks this endpoint instead (markup in
templates/public/_read_counter.html):

- with JavaScript, `navigator.sendBeacon` POSTs once the page is shown; the
  browser sends it in the background and never delays the page;
- without JavaScript, a 1x1 image inside <noscript> GETs the same URL.

Neither sets a cookie: the view touches no session and no CSRF token. The
counting and its per-address limits are in news.services.readcounts.
"""

import base64

from axes.helpers import get_client_ip_address
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from news.services.readcounts import ReadOutcome, read_record

# The smallest transparent GIF (43 bytes), for the <noscript> image.
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


# csrf_exempt is safe here: the request only adds one to a read counter (no
# account, no data a reader owns), it is limited per client address, and a
# beacon or an <img> cannot carry a CSRF token without a cookie we refuse to
# set on cacheable pages.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def read_beacon(request, post_id: int):
    outcome = read_record(post_id=post_id, client_ip=get_client_ip_address(request))
    if outcome is ReadOutcome.LIMITED:
        response = HttpResponse(status=429)
    elif request.method == "GET":
        response = HttpResponse(PIXEL, content_type="image/gif")
    else:
        response = HttpResponse(status=204)
    # Never stored by nginx's micro-cache either (X-Accel-Expires outranks
    # its own caching rules), and never indexed.
    response["X-Accel-Expires"] = "0"
    response["X-Robots-Tag"] = "noindex"
    return response
