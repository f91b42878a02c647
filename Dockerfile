# syntax=docker/dockerfile:1
# Sealtrail's one image: `sealtrail gateway`, `sealtrail api`, `sealtrail deploy` (and the staging chain,
# `hardhat node`). docker-compose.yml runs it; docs/operations.md, "Compose".

# --- build: dependencies, the libsecp256k1 addon, contracts, the standalone verifier, the page bundle -----
FROM node:22-slim AS build
# libsecp256k1 from Debian (the gateway's native verifier binds it: ~22 % faster than the copy bundled by
# the secp256k1 package); a compiler for it and for better-sqlite3 when no prebuilt binary fits.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libsecp256k1-dev pkg-config python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build:native \
 && npm run build:contracts \
 && npm run build:verifier \
 && npm run --if-present build:page \
 && npm prune --omit=dev --no-audit --no-fund

# --- runtime: Node 22 slim, the shared library only, a non-root user -----------------------------------
FROM node:22-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libsecp256k1-1 ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    SEALTRAIL_DATA_DIR=/data
WORKDIR /app
COPY --from=build /app /app
# The data dir is the only place the services write (the store, a generated admin token, the attester key).
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
# MQTT, MQTT over WebSocket, the gateway's /healthz /readyz /metrics, the API.
EXPOSE 1883 8083 9464 8080
ENTRYPOINT ["node", "cli/sealtrail.js"]
CMD ["--help"]
