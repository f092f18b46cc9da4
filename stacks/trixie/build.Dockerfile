# pycnb build image: where buildpacks run and where CPython runtimes are compiled.
# Holds python3 (our buildpacks are Python), compilers and the headers that common Django
# dependencies (psycopg2, mysqlclient, Pillow, cryptography, lxml) and CPython itself build against.
ARG BASE_IMAGE=debian:trixie-slim
# Built first (scripts/pycnb_tools/stacks.py): what it has installed is recorded below.
ARG RUN_IMAGE=pycnb/run:trixie
FROM ${RUN_IMAGE} AS run

FROM ${BASE_IMAGE}

ARG CNB_USER_ID=1001
ARG CNB_GROUP_ID=1001

# The base leaves out docs, manuals and translations (/etc/dpkg/dpkg.cfg.d/docker); this leaves
# out the compiler's debugging tools that builds never run.
COPY build.dpkg.cfg /etc/dpkg/dpkg.cfg.d/pycnb-build
RUN set -eux; \
    export DEBIAN_FRONTEND=noninteractive; \
    apt-get update; \
    apt-get install -y --no-install-recommends \
        bash ca-certificates curl git xz-utils tzdata \
        python3 \
        build-essential pkg-config \
        libpq-dev default-libmysqlclient-dev \
        libffi-dev libssl-dev zlib1g-dev libbz2-dev liblzma-dev libsqlite3-dev uuid-dev \
        libjpeg62-turbo-dev libxml2-dev libxslt1-dev; \
    apt-get clean; \
    rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/apt/* /var/log/dpkg.log /var/cache/debconf/*-old; \
    groupadd --gid "$CNB_GROUP_ID" cnb; \
    useradd --uid "$CNB_USER_ID" --gid "$CNB_GROUP_ID" --create-home --shell /bin/bash cnb

ENV CNB_USER_ID=${CNB_USER_ID} \
    CNB_GROUP_ID=${CNB_GROUP_ID} \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

LABEL io.buildpacks.base.distro.name="debian" \
      io.buildpacks.base.distro.version="13" \
      io.buildpacks.base.maintainer="pycnb" \
      io.buildpacks.base.homepage="https://github.com/pycnb/pycnb" \
      io.buildpacks.base.description="pycnb build image: Debian 13 with python3, compilers and headers for Django apps"

# What the run image has (dpkg's status file) and the files of its C library: pycnb/apt installs only
# what the run image lacks, and never a file of its libc.
COPY --from=run /var/lib/dpkg/status /usr/share/pycnb/run-image/dpkg-status
COPY --from=run /var/lib/dpkg/info/libc6:amd64.list /usr/share/pycnb/run-image/libc6.list

USER ${CNB_USER_ID}:${CNB_GROUP_ID}
