"""pycnb's Procfile buildpack: the processes of the app's Procfile become the image's launch processes."""
