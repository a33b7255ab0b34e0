"""The article page: the post, its neighbours and related posts, its metadata.

A constant number of queries whatever the site holds: the post with its
tags, photos and renditions (4), previous and next in its unit (2), related
candidates (3) and their covers (2). Only published posts are found; any
other status is a 404 (the newsroom's preview shows them).
"""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from news import selectors
from news.selectors.public import post_list_related, post_neighbours
from public import metadata


@require_safe
def article(request, slug: str):
    post = selectors.post_get_published(slug=slug)
    previous, following = post_neighbours(post=post)
    related = post_list_related(
        post=post,
        exclude_ids=tuple(p.pk for p in (previous, following) if p is not None),
    )
    canonical_url = metadata.absolute_url(post.get_absolute_url())
    image = metadata.social_image(metadata.cover_photo(post))
    return render(
        request,
        "public/article.html",
        {
            "post": post,
            "preview": False,
            "previous_post": previous,
            "next_post": following,
            "related_posts": related,
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
