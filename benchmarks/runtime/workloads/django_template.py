"""A Django template render: a page with inheritance, an include, a loop over rows with filters,
{% if %}, {% cycle %} and autoescaping, rendered from a standalone template Engine."""

import datetime

import django
from django.conf import settings

PAGES = {
    "base.html": "<!DOCTYPE html><html><head><title>{% block title %}{% endblock %}</title></head>"
                 "<body><nav>{% for link in links %}<a href=\"{{ link.url }}\">{{ link.title|title }}</a>{% endfor %}</nav>"
                 "{% block content %}{% endblock %}</body></html>",
    "row.html": "<td>{{ row.name|truncatechars:20 }}</td><td>{{ row.price|floatformat:2 }}</td><td>{{ row.added|date:\"Y-m-d\" }}</td>",
    "page.html": "{% extends \"base.html\" %}{% block title %}{{ title|upper }}{% endblock %}{% block content %}"
                 "<h1>{{ title }}</h1><table>{% for row in rows %}<tr class=\"{% cycle 'odd' 'even' %}\">"
                 "<td>{{ forloop.counter }}</td>{% include \"row.html\" %}"
                 "<td>{% if row.stock > 10 %}in stock{% elif row.stock %}{{ row.stock }} left{% else %}sold out{% endif %}</td>"
                 "<td>{{ row.note|default:\"-\"|escape }}</td><td>{{ row.tags|join:\", \" }}</td></tr>"
                 "{% empty %}<tr><td>nothing</td></tr>{% endfor %}</table>{% endblock %}",
}
ROWS = [
    {"name": f"Product number {i} with a long name", "price": i * 1.1, "added": datetime.date(2026, 1 + i % 12, 1 + i % 28),
     "stock": i % 15, "note": "<b>sale</b>" if i % 5 == 0 else "", "tags": ["red", "blue", f"size {i % 4}"]}
    for i in range(150)
]
template = None


def setup():
    global template
    settings.configure(USE_TZ=True)
    django.setup()
    from django.template import Context, Engine

    engine = Engine(loaders=[("django.template.loaders.locmem.Loader", PAGES)])
    template = engine.get_template("page.html")
    setup.Context = Context


def run():
    size = 0
    for _ in range(8):
        context = setup.Context(
            {"title": "Catalog", "rows": ROWS, "links": [{"url": f"/{n}/", "title": n} for n in ("home", "items", "about")]}
        )
        size += len(template.render(context))
    return size


if __name__ == "__main__":
    setup()
    print(run())
