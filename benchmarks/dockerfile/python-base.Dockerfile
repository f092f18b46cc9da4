# Stand-ins for the official python:3.13 and python:3.13-slim images, so that approach B has the
# same Debian base and the same CPython build as pycnb: a pycnb stack image plus the runtime
# archive the python buildpack installs. Like the official images, they run as root.
ARG STACK_IMAGE
FROM ${STACK_IMAGE}
USER root
ADD cpython.tar.gz /usr/local/
RUN ln -s python3 /usr/local/python/bin/python && ln -s pip3 /usr/local/python/bin/pip
ENV PATH=/usr/local/python/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8
