"""Form media under the Content-Security-Policy.

django-prose-editor's media carry an import map, an inline ``<script type="importmap">``
that the policy only runs with the response's nonce. ``{{ media|med_nonce:request }}``
renders the media with that nonce on every tag (django-csp then adds it to the header).
Media without an import map render as before.
"""

from django import template
from js_asset import Media

register = template.Library()


@register.filter
def med_nonce(media, request):
    nonce = getattr(request, "csp_nonce", None)
    if media is None or nonce is None:
        return media
    return Media.from_media(media, nonce=nonce)
