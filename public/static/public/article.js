/* The article page, enhanced: everything here also works without it.
   - Gallery: each large view is a CSS :target box (templates/public/article.html).
     Escape closes it, arrow keys go to the previous/next photo, focus moves
     into the open photo and back to its thumbnail.
   - "Salin tautan": copies the address instead of following the link. */
(function () {
  "use strict";
  var lastThumb = null;

  function openBox() {
    var id = location.hash.slice(1);
    if (id.indexOf("foto-") !== 0) return null;
    return document.getElementById(id);
  }

  window.addEventListener("hashchange", function () {
    var box = openBox();
    if (box) {
      var close = box.querySelector(".lightbox-close");
      if (close) close.focus({ preventScroll: true });
    } else if (lastThumb && location.hash === "#galeri") {
      lastThumb.focus();
    }
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a") : null;
    if (!link) return;
    if (link.classList.contains("gallery-thumb")) lastThumb = link;
    if (link.classList.contains("share-copy") && navigator.clipboard) {
      event.preventDefault();
      navigator.clipboard.writeText(link.href).then(function () {
        var status = document.querySelector(".share-status");
        if (status) status.textContent = link.getAttribute("data-copied");
      }, function () { location.href = link.href; });
    }
  });

  document.addEventListener("keydown", function (event) {
    var box = openBox();
    if (!box) return;
    var target = null;
    if (event.key === "Escape") target = box.querySelector(".lightbox-close");
    else if (event.key === "ArrowLeft") target = box.querySelector(".lightbox-prev");
    else if (event.key === "ArrowRight") target = box.querySelector(".lightbox-next");
    if (target) {
      event.preventDefault();
      location.hash = target.getAttribute("href");
    }
  });
}());
