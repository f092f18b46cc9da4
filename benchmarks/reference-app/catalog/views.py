from django.http import HttpResponse
from rest_framework import viewsets

from .models import Product
from .serializers import ProductSerializer

# The benchmark's code-only change edits this line.
GREETING = 'catalog ready'


def home(request):
    """Answers without the database, so the time to the first 200 measures start-up alone."""
    return HttpResponse(GREETING, content_type='text/plain')


class ProductViewSet(viewsets.ModelViewSet):
    queryset = Product.objects.order_by('name')
    serializer_class = ProductSerializer
    filterset_fields = ['name']
