# syntax=docker/dockerfile:1
#
# One image recipe for every Node service of the monorepo. Build from the repository root:
#
#   docker build -f deploy/docker/service.Dockerfile \
#     --build-arg SERVICE=services/content --build-arg WORKSPACE=@repo/content \
#     -t registry.example.com/partybuilding/content:0.1.0 .
#
# SERVICE   folder of the workspace, relative to the repository root (services/<name> or gateway)
# WORKSPACE its npm workspace name (@repo/<name>)
#
# Stages: manifests (package.json files only, so `npm ci` stays cached while only sources
# change) -> build (npm ci, turbo build of the workspace and its dependencies) -> prod-deps
# (npm ci --omit=dev for this one workspace) -> runtime (node_modules, package.json files,
# dist/ folders and the service's runtime assets; non-root; nothing is written at run time).

ARG NODE_IMAGE=node:20-bookworm-slim

# ---------------------------------------------------------------------------------------------
# Every package.json and the lockfile, in their folders, nothing else.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN if [ -d node_modules ] || [ -d .local ]; then \
      echo "node_modules/ or .local/ is in the build context: add the repository's .dockerignore" >&2; exit 1; \
    fi \
 && mkdir /out \
 && cp package.json package-lock.json /out/ \
 && find . -mindepth 2 -maxdepth 3 -name package.json -not -path '*/node_modules/*' -not -path './.*' \
      -exec cp --parents {} /out/ \;

# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS build
ARG SERVICE
ARG WORKSPACE
# Runtime folders copied next to dist/ of every workspace that has them (@repo/text: dict/).
ARG ASSETS="dict"
RUN test -n "${SERVICE}" && test -n "${WORKSPACE}" \
 || (echo "build with --build-arg SERVICE=<folder> --build-arg WORKSPACE=<@repo/name>" >&2; exit 1)
ENV CI=true \
    TURBO_TELEMETRY_DISABLED=1 \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
WORKDIR /app
COPY --from=manifests /out/ ./
# Full install: the build needs the devDependencies (typescript, turbo, @bufbuild/buf, ts-proto).
RUN --mount=type=cache,target=/root/.npm npm ci
COPY . .
RUN --mount=type=cache,target=/app/.turbo/cache npx turbo run build --filter="${WORKSPACE}..."
# The gateway serves the portal's built pages (it looks for them at ../../web/dist from its dist/).
RUN --mount=type=cache,target=/app/.turbo/cache \
    if [ "${SERVICE}" = gateway ]; then npx turbo run build --filter=@repo/web; fi
# Collect what runs: package.json comes from the prod-deps stage; here dist/ of the workspace and
# of every workspace it needs in production (npm ls --omit=dev; test helpers such as @repo/testbed
# stay out), plus the service's runtime assets.
RUN set -eu; \
    npm ls --omit=dev --workspace="${WORKSPACE}" --all --parseable > /tmp/prod-deps.txt; \
    dirs=$(grep '/node_modules/@repo/' /tmp/prod-deps.txt | xargs realpath --relative-to=/app | sort -u); \
    echo "$dirs" | grep -qx "${SERVICE}" \
      || { echo "workspace ${WORKSPACE} does not live in ${SERVICE} (found: $dirs)" >&2; exit 1; }; \
    mkdir /out; \
    for dir in $dirs; do \
      if [ -d "$dir/dist" ]; then mkdir -p "/out/$dir" && cp -R "$dir/dist" "/out/$dir/"; fi; \
      for asset in ${ASSETS}; do \
        if [ -d "$dir/$asset" ]; then cp -R "$dir/$asset" "/out/$dir/"; fi; \
      done; \
    done; \
    test -f "/out/${SERVICE}/dist/main.js" || { echo "no ${SERVICE}/dist/main.js after the build" >&2; exit 1; }; \
    if [ "${SERVICE}" = gateway ]; then \
      test -f web/dist/index.html || { echo "no web/dist/index.html after the portal's build" >&2; exit 1; }; \
      mkdir -p /out/web && cp -R web/dist /out/web/; \
    fi; \
    echo "runtime workspaces:" $dirs

# ---------------------------------------------------------------------------------------------
# Production dependencies of this one workspace (and of the workspaces it depends on), hoisted
# into /app/node_modules with node_modules/@repo/* linking to the workspace folders.
FROM ${NODE_IMAGE} AS prod-deps
ARG WORKSPACE
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
WORKDIR /app
COPY --from=manifests /out/ ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --workspace="${WORKSPACE}" \
 && rm -f package-lock.json

# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
ENV NODE_ENV=production
# The image runs node directly; npm, npx, corepack and yarn are not needed at run time.
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack /opt/yarn-* \
      /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack /usr/local/bin/yarn /usr/local/bin/yarnpkg
WORKDIR /app
# Owned by root and not writable by the process user: the root filesystem can be read-only.
COPY --from=prod-deps /app/ ./
COPY --from=build /out/ ./
# The service's own folder, so `dist/main.js` is relative and `--require @repo/telemetry/register`
# resolves through /app/node_modules like it does for `npm start` in the workspace.
WORKDIR /app/${SERVICE}
# uid/gid 1000 is the `node` user of the base image; numeric so Kubernetes can verify runAsNonRoot.
USER 1000:1000
# Telemetry loads before the app (its instrumentation must patch http and grpc-js before they are
# first required); exec form, no shell, node is PID 1 and gets SIGTERM.
CMD ["node", "--require", "@repo/telemetry/register", "dist/main.js"]
