"""
``{% shared_fragment "name" key ... %}...{% endshared_fragment %}``: a part of a page that is the same for
every visitor, rendered once per worker for the versions the page depends on (articles.caching.for_this_page).

Signed-out readers get whole pages from the page cache; members get pages drawn afresh, and most of an
article page is the same for all of them. Only what is the same for everyone may go inside: nothing
that reads the user, the session or a CSRF token.

``{% personal_part "template" %}``: a visitor's own part of a page (their navigation, forms with their CSRF
token), drawn for each request. Where members share one copy of the page (articles.shared_pages) it is a
marker the copy is cut at; elsewhere it is a plain ``{% include %}``.
"""

from django import template

from articles.caching import for_this_page
from articles.shared_pages import SHARED_COPY, draw_part

register = template.Library()


@register.tag
def shared_fragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"{bits[0]} needs a name, and what else makes the fragment differ")
    nodelist = parser.parse(("endshared_fragment",))
    parser.delete_first_token()
    return SharedFragmentNode(nodelist, [parser.compile_filter(bit) for bit in bits[1:]])


class SharedFragmentNode(template.Node):
    def __init__(self, nodelist, vary_on):
        self.nodelist, self.vary_on = nodelist, vary_on

    def render(self, context):
        key = ("fragment", *(str(part.resolve(context)) for part in self.vary_on))
        return for_this_page(context["request"], key, lambda: self.nodelist.render(context))


@register.tag
def personal_part(parser, token):
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError(f"{bits[0]} needs the name of the template to draw for each visitor")
    return PersonalPartNode(parser.compile_filter(bits[1]))


class PersonalPartNode(template.Node):
    def __init__(self, template_name):
        self.template_name = template_name

    def render(self, context):
        name = self.template_name.resolve(context)
        shared_copy = context.get(SHARED_COPY)
        if shared_copy is not None:
            return shared_copy.marker(name)
        return draw_part(name, context)
