# syntax=docker/dockerfile:1
# One image for both storefleet processes; the command picks which one runs:
#   docker run storefleet api/main.js       (the default: REST API + dashboard on :8080)
#   docker run storefleet worker/main.js    (Temporal worker; metrics on :9464)
# The image runs JavaScript compiled by `npm run build` (tsc), laid out as the sources are, with the
# workflow bundle built once here; no TypeScript loader runs in production.
#
#   docker build -t storefleet:local .

ARG NODE_VERSION=20
ARG GO_VERSION=1.24
ARG HELM_VERSION=v3.19.5

# ---- helm, built from its Go module (the same recipe as dev/toolchain/components.ts) ----------------
FROM golang:${GO_VERSION}-bookworm AS helm
ARG HELM_VERSION
ENV CGO_ENABLED=0 GOFLAGS=-trimpath GOTOOLCHAIN=local
RUN --mount=type=cache,target=/root/.cache/go-build \
    --mount=type=cache,target=/go/pkg/mod \
    go install -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=${HELM_VERSION}" \
      "helm.sh/helm/v3/cmd/helm@${HELM_VERSION}" \
 && /go/bin/helm version --short | grep -q "^${HELM_VERSION}"

# ---- production node_modules -----------------------------------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: every runtime dependency ships what it needs (Temporal's native bridge comes
# prebuilt inside its npm package). Then drop what can never load on Linux: the bridge's builds for
# other operating systems and its Rust sources.
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && cd node_modules/@temporalio/core-bridge \
 && rm -rf releases/*-apple-darwin releases/*-windows-* sdk-core src bridge-macros Cargo.lock Cargo.toml

# ---- compiled JavaScript and the workflow bundle ----------------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY core ./core
COPY workflows ./workflows
COPY activities ./activities
COPY worker ./worker
COPY controller ./controller
COPY api ./api
COPY web ./web
# The store charts the worker installs (the platform chart is not needed inside the image).
COPY charts/woocommerce ./charts/woocommerce
COPY charts/medusa ./charts/medusa
# dist/ is the app as it runs: compiled code, the workflow bundle, the dashboard and the store charts.
RUN npm run build

# ---- runtime ----------------------------------------------------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ARG HELM_VERSION
LABEL org.opencontainers.image.title="storefleet" \
      org.opencontainers.image.description="storefleet API and worker (select with the command: api/main.js or worker/main.js)"

WORKDIR /app
COPY --from=helm /go/bin/helm /usr/local/bin/helm
COPY --from=deps /app/node_modules ./node_modules
# package.json says the .js files are ES modules.
COPY package.json package-lock.json ./
COPY --from=build /app/dist ./

# helm's cache/config/data live under /helm; a read-only root filesystem mounts an emptyDir there
# (charts/platform does).
# Everything the app reads stays owned by root: the process (uid 1000, `node`) cannot change it.
RUN mkdir -p /helm/cache /helm/config /helm/data && chown -R 1000:1000 /helm \
 && helm version --short | grep -q "^${HELM_VERSION}"

# In a container the processes listen on every interface. The API then insists on API keys
# (STOREFLEET_API_KEYS / STOREFLEET_ADMIN_KEYS) and stops at start-up naming them when none are set.
ENV NODE_ENV=production \
    STOREFLEET_API_HOST=0.0.0.0 \
    STOREFLEET_WORKER_METRICS=0.0.0.0:9464 \
    STOREFLEET_HELM_BIN=/usr/local/bin/helm \
    STOREFLEET_CHARTS_DIR=/app/charts \
    HELM_CACHE_HOME=/helm/cache \
    HELM_CONFIG_HOME=/helm/config \
    HELM_DATA_HOME=/helm/data

# Numeric, so Kubernetes can verify runAsNonRoot.
USER 1000:1000
EXPOSE 8080 9464
ENTRYPOINT ["node"]
CMD ["api/main.js"]
