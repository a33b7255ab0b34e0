"""A small CKEditor 5 widget over the vendored npm build (static/vendor/ckeditor5).

The widget is a plain <textarea> with data attributes; static/js/editor.js
turns it into a ClassicEditor when JavaScript runs, so the form keeps working
without it. The editor's own files are loaded by URL from those attributes,
which keeps them correct under the hashed names of the manifest storage.
"""

from django import forms
from django.templatetags.static import static
from django.urls import reverse_lazy

# Keep in step with static/vendor/ckeditor5/VERSION.
CKEDITOR5_VERSION = "48.5.2"

DEFAULT_UPLOAD_URL = reverse_lazy("news:upload_image")


class CKEditor5Widget(forms.Textarea):
    """A textarea that becomes CKEditor 5; images go to `upload_url`."""

    def __init__(self, attrs=None, upload_url=None):
        default_attrs = {"rows": 18, "class": "js-ckeditor5"}
        super().__init__({**default_attrs, **(attrs or {})})
        self.upload_url = upload_url or DEFAULT_UPLOAD_URL

    class Media:
        css = {"all": ["vendor/ckeditor5/ckeditor5.css"]}
        js = [forms.Script("js/editor.js", type="module")]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # Resolved at render time: the static URLs carry the manifest hash.
        context["widget"]["attrs"].update(
            {
                "data-upload-url": str(self.upload_url),
                "data-editor-src": static("vendor/ckeditor5/ckeditor5.js"),
                "data-editor-translation": static(
                    "vendor/ckeditor5/translations/id.js"
                ),
            }
        )
        return context
