# pycnb run image: only the shared libraries a CPython runtime and common Django
# dependencies load at run time. No compilers, no headers.
ARG BASE_IMAGE=debian:trixie-slim
FROM ${BASE_IMAGE}

ARG CNB_USER_ID=1000
ARG CNB_GROUP_ID=1000

RUN set -eux; \
    export DEBIAN_FRONTEND=noninteractive; \
    apt-get update; \
    apt-get install -y --no-install-recommends \
        bash ca-certificates tzdata \
        libpq5 libmariadb3 libssl3t64 libffi8 libsqlite3-0 zlib1g libbz2-1.0 liblzma5 libuuid1 \
        libjpeg62-turbo libxml2 libxslt1.1; \
    apt-get clean; \
    rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/apt/* /var/log/dpkg.log /var/cache/debconf/*-old; \
    groupadd --gid "$CNB_GROUP_ID" app; \
    useradd --uid "$CNB_USER_ID" --gid "$CNB_GROUP_ID" --create-home --shell /bin/bash app

ENV CNB_USER_ID=${CNB_USER_ID} \
    CNB_GROUP_ID=${CNB_GROUP_ID} \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

LABEL io.buildpacks.base.distro.name="debian" \
      io.buildpacks.base.distro.version="13" \
      io.buildpacks.base.maintainer="pycnb" \
      io.buildpacks.base.homepage="https://github.com/pycnb/pycnb" \
      io.buildpacks.base.description="pycnb run image: Debian 13 with the runtime libraries Django apps load" \
      io.buildpacks.base.id="pycnb/run:trixie" \
      io.buildpacks.rebasable="true"

USER ${CNB_USER_ID}:${CNB_GROUP_ID}
