"""The breadcrumb trail above a page's heading, the same markup on every page.

    {% load broedkrummer %}
    {% block breadcrumbs %}{% broedkrummer %}
      {% krumme 'delaftaler:oversigt' %}Delaftaler{% endkrumme %}
      {% krumme 'delaftaler:helhedsplan' plan.slug %}{{ plan.navn }}{% endkrumme %}
      {% krumme %}Historik{% endkrumme %}
    {% endbroedkrummer %}{% endblock %}

A step names its address as {% url %} does, and its title is ordinary template text. The
last step is the page itself (aria-current="page"); another step without an address is
shown without a link. templates/_broedkrummer.html renders the trail.

Block tags rather than one inclusion tag with (title, url) pairs: a tag cannot span lines
or join text, and titles such as »Opfølgning 2024« would need {% with %} and |add chains.
"""

from django import template
from django.template.defaulttags import URLNode
from django.utils.safestring import mark_safe

register = template.Library()

SKABELON = "_broedkrummer.html"
_TRIN = "_broedkrummer_trin"


class BroedkrummerNode(template.Node):
    def __init__(self, nodelist: template.NodeList):
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        with context.push(**{_TRIN: []}):
            self.nodelist.render(context)  # each {% krumme %} adds its step
            trin = context[_TRIN]
        if not trin:
            raise template.TemplateSyntaxError(
                "{% broedkrummer %} needs at least one {% krumme %}."
            )
        *forrige, (side, _) = trin
        skabelon = context.template.engine.get_template(SKABELON)
        return skabelon.render(context.new({"forrige": forrige, "side": side}))


class KrummeNode(template.Node):
    def __init__(self, url: template.Node | None, nodelist: template.NodeList):
        self.url = url
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        if _TRIN not in context:
            raise template.TemplateSyntaxError("{% krumme %} belongs inside {% broedkrummer %}.")
        url = self.url.render(context) if self.url else ""
        # Rendered with the template's autoescaping, so already safe; strip() would unmark it.
        titel = mark_safe(self.nodelist.render(context).strip())
        context[_TRIN].append((titel, url))
        return ""


@register.tag
def broedkrummer(parser, token) -> BroedkrummerNode:
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("{% broedkrummer %} takes no arguments.")
    nodelist = parser.parse(("endbroedkrummer",))
    parser.delete_first_token()
    return BroedkrummerNode(nodelist)


@register.tag
def krumme(parser, token) -> KrummeNode:
    """{% krumme 'name' arg … %}title{% endkrumme %}, the address as {% url %} takes it;
    {% krumme %}title{% endkrumme %} for a step without one."""
    bits = token.split_contents()[1:]
    url = None
    if bits:
        navn, *argumenter = (parser.compile_filter(b) for b in bits)
        url = URLNode(navn, argumenter, {}, asvar=None)
    nodelist = parser.parse(("endkrumme",))
    parser.delete_first_token()
    return KrummeNode(url, nodelist)
