# One image for every Sekber service; the command picks the service:
#   sekber intake | sekber routing | sekber notify | sekber relay | sekber migrate
FROM python:3.11-slim

# Production unless told otherwise; every service refuses to start without
# SEKBER_SECRET_KEY (a random secret of at least 32 characters).
ENV SEKBER_ENVIRONMENT=production \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 10001 --user-group sekber
WORKDIR /app

# Dependencies first, from pyproject.toml alone and empty packages, so that a change to
# the code does not download them again.
COPY pyproject.toml README.md ./
RUN mkdir shared services sekber_cli \
    && touch shared/__init__.py services/__init__.py sekber_cli/__init__.py \
    && pip install . \
    && pip uninstall -y sekber \
    && rm -rf shared services sekber_cli build ./*.egg-info

COPY shared ./shared
COPY services ./services
COPY sekber_cli ./sekber_cli
RUN pip install --no-deps . && rm -rf build ./*.egg-info

# The code stays owned by root and read-only for the service user.
USER sekber
EXPOSE 8000
CMD ["sekber", "intake"]
