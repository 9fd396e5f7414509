# boligmatch: web app + API, installed from the wheel (the migrations ship inside it).
# Migrations run as their own step before the app starts:
#   docker build -t boligmatch .
#   docker run --rm -e BOLIGMATCH_DATABASE_URL=... boligmatch boligmatch migrate
#   docker run -p 8000:8000 -e BOLIGMATCH_DATABASE_URL=... boligmatch
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY boligmatch ./boligmatch
COPY kernel ./kernel
COPY synthetic ./synthetic
COPY matcher ./matcher
COPY inventory ./inventory
COPY allocation ./allocation
COPY planning ./planning
COPY api ./api
RUN pip install --no-cache-dir build && python -m build --wheel --outdir /wheels

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    BOLIGMATCH_ENVIRONMENT=production
RUN useradd --create-home --uid 10001 boligmatch
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
WORKDIR /app
RUN mkdir -p /app/var && chown boligmatch /app/var
USER boligmatch
EXPOSE 8000
CMD ["boligmatch", "serve", "--no-migrate", "--host", "0.0.0.0", "--port", "8000"]
