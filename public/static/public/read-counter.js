/* Counts one read of the article without cookies (public.views.reads): a
   beacon once the page is shown. The URL comes from the script tag's
   data-url; readers without JavaScript are counted by the <noscript> pixel. */
(function () {
  "use strict";
  var script = document.currentScript;
  var url = script && script.getAttribute("data-url");
  if (!url) { return; }
  function send() {
    if (navigator.sendBeacon) { navigator.sendBeacon(url); }
    else if (window.fetch) { fetch(url, {method: "POST", keepalive: true}); }
  }
  // A page rendered in the background (prerender) counts when it is seen.
  if (document.visibilityState === "hidden") {
    document.addEventListener("visibilitychange", function once() {
      if (document.visibilityState === "visible") {
        document.removeEventListener("visibilitychange", once);
        send();
      }
    });
  } else { send(); }
})();
