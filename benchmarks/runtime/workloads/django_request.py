"""A full Django request through django.test.Client: URL resolving, the middleware stack, a view
that queries an in-memory SQLite database through the ORM and renders a template with a loop,
all configured in this file."""

import django
from django.conf import settings

TEMPLATES = {
    "items.html": "<!DOCTYPE html><html><body><h1>{{ title }}</h1><ul>"
                  "{% for item in items %}<li id=\"item-{{ item.pk }}\">{{ item.name|title }}: {{ item.price|floatformat:2 }}"
                  "{% if item.stock %} ({{ item.stock }} left){% endif %}</li>{% endfor %}</ul>"
                  "<p>{{ request.path }} {{ items|length }} items</p></body></html>",
}
client = None
Item = None


def items(request):
    from django.shortcuts import render

    rows = Item.objects.filter(price__gte=0).order_by("name")[:100]
    return render(request, "items.html", {"title": "Items", "items": rows})


def setup():
    global client, Item
    settings.configure(
        DEBUG=False, SECRET_KEY="runtime-benchmark", ALLOWED_HOSTS=["testserver"], ROOT_URLCONF="workload", USE_TZ=True,
        INSTALLED_APPS=["django.contrib.contenttypes"],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        MIDDLEWARE=["django.middleware.security.SecurityMiddleware", "django.middleware.common.CommonMiddleware",
                    "django.middleware.csrf.CsrfViewMiddleware", "django.middleware.clickjacking.XFrameOptionsMiddleware"],
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates",
                    "OPTIONS": {"loaders": [("django.template.loaders.locmem.Loader", TEMPLATES)],
                                "context_processors": ["django.template.context_processors.request"]}}],
    )
    django.setup()
    from django.db import connection, models
    from django.test import Client
    from django.urls import path

    class Product(models.Model):
        name = models.CharField(max_length=100)
        price = models.DecimalField(max_digits=8, decimal_places=2)
        stock = models.IntegerField(default=0)

        class Meta:
            app_label = "runtime_benchmark"

    Item = Product
    with connection.schema_editor() as editor:
        editor.create_model(Product)
    Product.objects.bulk_create(Product(name=f"product {i}", price=i * 1.5, stock=i % 4) for i in range(100))
    globals()["urlpatterns"] = [path("items/", items)]
    client = Client()


def run():
    size = 0
    for _ in range(30):
        response = client.get("/items/")
        if response.status_code != 200:
            raise RuntimeError(f"/items/ answered {response.status_code}")
        size += len(response.content)
    return size


if __name__ == "__main__":
    import sys

    sys.modules["workload"] = sys.modules["__main__"]
    setup()
    print(run())
