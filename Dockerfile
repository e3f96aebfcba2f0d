# syntax=docker/dockerfile:1
#
# factdesk: the gateway bot (`factdesk run`) in a small non-root image.
#
#   docker build -t factdesk .
#   docker run --rm -e DISCORD_TOKEN factdesk
#
# The build needs crates.io (every crate comes through Cargo.lock); nothing
# is downloaded when the image runs. The token comes from the environment
# only; nothing secret is baked in. The binary embeds the language file,
# the story file and the seed articles it was built with, so the image
# answers about the repository's story out of the box; mount another story
# and point FACTDESK_STORY / FACTDESK_CORPUS (and FACTDESK_CONFIG for
# another language file) at it to serve another.

# ---- plan -------------------------------------------------------------------
# The dependency layer's skeleton, derived from the crate itself: manifests,
# the build script, and a stub for every target `cargo metadata` lists
# (.ci/docker-skeleton). This stage reruns on every change, but its output
# only changes with the manifests or the targets, and COPY --from is cached
# by content, so the dependency build below stays cached.
FROM rust:1-slim-bookworm AS plan
WORKDIR /src
COPY . .
RUN sh .ci/docker-skeleton /src /skeleton

# ---- build ------------------------------------------------------------------
FROM rust:1-slim-bookworm AS build
WORKDIR /src
# Strip symbols from the release binary (same setting for both builds, so the
# dependency layer below stays valid).
ENV CARGO_PROFILE_RELEASE_STRIP=true

# Dependency layer: serenity, tokio and the rest, built against the stubs.
# Afterwards the stub crate itself (not its dependencies) is forgotten:
# copied sources can carry older mtimes than the stubs, and cargo must not
# take the stubs for the current build.
COPY --from=plan /skeleton/ ./
RUN cargo build --release --locked \
 && rm -rf src target/release/.fingerprint/factdesk-* target/release/build/factdesk-* \
           target/release/deps/factdesk-* target/release/deps/libfactdesk-*

# The real build, from the whole build context (.dockerignore leaves out
# target/ and local state), so whatever the binary embeds at build time
# (language.toml, story.toml, seeds/, any data file beside them) is there. `check`
# refuses an image whose embedded config or seeds do not validate.
COPY . .
RUN cargo build --release --locked --bin factdesk \
 && ./target/release/factdesk check \
 && mkdir -p /out/share \
 && cp target/release/factdesk /out/factdesk \
 && for f in *.toml; do \
      case "$f" in Cargo.toml|rustfmt.toml|clippy.toml|.clippy.toml|deny.toml) ;; *) cp "$f" /out/share/ ;; esac; \
    done \
 && cp -r seeds /out/share/seeds

# ---- runtime ----------------------------------------------------------------
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 factdesk \
 && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/factdesk --shell /usr/sbin/nologin factdesk \
 && mkdir -p /var/lib/factdesk \
 && chown 10001:10001 /var/lib/factdesk

COPY --from=build /out/factdesk /usr/local/bin/factdesk
# The story files the binary embeds, as a starting point for another story
# (the binary itself does not read them).
COPY --from=build /out/share/ /usr/share/factdesk/

# FACTDESK_STATE_FILE remembers which commands were registered, so restarts
# do not register them again; mount /var/lib/factdesk to keep it across
# containers (losing it only costs one registration).
# FACTDESK_HEALTH_FILE is refreshed every 15 s while the bot is connected to
# the gateway; the HEALTHCHECK below tests its age.
ENV FACTDESK_STATE_FILE=/var/lib/factdesk/state.json \
    FACTDESK_HEALTH_FILE=/tmp/factdesk-healthy \
    FACTDESK_LOG=info

# Numeric, so orchestrators can verify runAsNonRoot.
USER 10001:10001
WORKDIR /var/lib/factdesk

# Healthy while the file is younger than 2 minutes, i.e. while a shard is
# connected to Discord (`factdesk check` would only re-validate the files).
# For `factdesk serve`, replace this check: serve does not write the file.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["sh", "-c", "test -n \"$(find \"$FACTDESK_HEALTH_FILE\" -mmin -2 2>/dev/null)\""]

# SIGTERM (docker stop) shuts the bot down cleanly with exit code 0.
CMD ["factdesk", "run"]
