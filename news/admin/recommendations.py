"""A regional reviewer's recommendation (publish / needs changes / reject)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from news import services
from news.admin.common import messages_of
from news.admin.forms import RecommendationForm
from news.models import PostAction
from news.services.decisions import post_recommend


class RecommendationViewsMixin:
    """A regional reviewer's recommendation to the editors."""

    def recommend_view(self, request, object_id):
        post = self._get_post_or_404(request, object_id)
        change_url = reverse("admin:news_post_change", args=[post.pk])
        available = services.post_available_actions(post=post, actor=request.user)
        if request.method == "POST":
            form = RecommendationForm(request.POST)
            if form.is_valid():
                try:
                    post_recommend(
                        post=post,
                        actor=request.user,
                        recommendation=form.cleaned_data["recommendation"],
                        comment=form.cleaned_data["comment"],
                    )
                except ValidationError as exc:
                    if not self._add_field_errors(form, exc):
                        self.message_user(request, messages_of(exc), messages.ERROR)
                        return HttpResponseRedirect(change_url)
                else:
                    self.message_user(
                        request,
                        _("Rekomendasi Anda dikirim ke redaksi."),
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(change_url)
        elif PostAction.RECOMMEND not in available:
            self.message_user(
                request,
                _(
                    "Rekomendasi hanya dapat diberikan oleh peninjau kanwil wilayah "
                    "UPT pengirim, selama berita menunggu keputusan redaksi."
                ),
                messages.WARNING,
            )
            return HttpResponseRedirect(change_url)
        else:
            form = RecommendationForm()
        context = self._page_context(
            request,
            post,
            title=_("Rekomendasi untuk redaksi"),
            form=form,
            submit_label=_("Kirim rekomendasi"),
            media=self.media + form.media,
        )
        return TemplateResponse(request, "admin/news/post/recommend.html", context)
