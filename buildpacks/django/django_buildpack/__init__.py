"""pycnb's Django buildpack: Django apps get a gunicorn web process on $PORT."""
