"""The article page: the post, its neighbours and related posts, its metadata.

A constant number of queries whatever the site holds (six, see
news.selectors.public.article_page): the post with its tags, previous and
next in its unit, the ranked related posts, then the photos and renditions of
the post and of the related posts' covers together. Only published posts are
found; any other status is a 404 (the newsroom's preview shows them).
"""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from news.selectors.public import article_page
from public import metadata


@require_safe
def article(request, slug: str):
    page = article_page(slug=slug)
    post = page.post
    canonical_url = metadata.absolute_url(post.get_absolute_url())
    image = metadata.social_image(metadata.cover_photo(post))
    return render(
        request,
        "public/article.html",
        {
            "post": post,
            "preview": False,
            "previous_post": page.previous,
            "next_post": page.following,
            "related_posts": page.related,
            "canonical_url": canonical_url,
            "social_image": image,
            "share_links": metadata.share_links(url=canonical_url, title=post.title),
            "json_ld": metadata.json_ld(
                metadata.article_json_ld(
                    post=post, canonical_url=canonical_url, image=image
                )
            ),
        },
    )
