# syntax=docker/dockerfile:1
#
# factdesk: the gateway bot (`factdesk run`) in a small non-root image.
#
#   docker build -t factdesk .
#   docker run --rm -e DISCORD_TOKEN factdesk
#
# The token comes from the environment only; nothing secret is baked in.
# language.toml, story.toml and seeds/ are copied in (and are also embedded in the binary),
# so the image answers about the repository's story out of the box; mount
# another corpus and point FACTDESK_CORPUS / FACTDESK_CONFIG at it to serve
# another story.

# ---- build ------------------------------------------------------------------
FROM rust:1-slim-bookworm AS build
WORKDIR /src
# Strip symbols from the release binary (same setting for both builds, so the
# dependency layer below stays valid).
ENV CARGO_PROFILE_RELEASE_STRIP=true

# Dependency layer: the manifests and build script with stub sources. It only
# changes when Cargo.toml, Cargo.lock or build.rs do, so editing src/ does not
# rebuild serenity, tokio and the rest. Afterwards the stub crate itself (not
# its dependencies) is forgotten: copied sources can carry older mtimes than
# the stubs, and cargo must not take the stubs for the current build.
# (benches/engine.rs exists only because Cargo.toml declares the bench.)
COPY Cargo.toml Cargo.lock build.rs ./
RUN mkdir -p src benches \
 && echo 'fn main() {}' > src/main.rs \
 && touch src/lib.rs \
 && echo 'fn main() {}' > benches/engine.rs \
 && cargo build --release --locked \
 && rm -rf src target/release/.fingerprint/factdesk-* target/release/build/factdesk-* \
           target/release/deps/factdesk-* target/release/deps/libfactdesk-*

# The real build; `check` refuses an image whose embedded config or seeds
# do not validate.
COPY language.toml story.toml ./
COPY seeds ./seeds
COPY src ./src
RUN cargo build --release --locked --bin factdesk \
 && ./target/release/factdesk check

# ---- runtime ----------------------------------------------------------------
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 factdesk \
 && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/factdesk --shell /usr/sbin/nologin factdesk \
 && mkdir -p /var/lib/factdesk \
 && chown 10001:10001 /var/lib/factdesk

COPY --from=build /src/target/release/factdesk /usr/local/bin/factdesk
COPY language.toml story.toml /usr/share/factdesk/
COPY seeds /usr/share/factdesk/seeds

# FACTDESK_STATE_FILE remembers which commands were registered, so restarts
# do not register them again; mount /var/lib/factdesk to keep it across
# containers (losing it only costs one registration).
# FACTDESK_HEALTH_FILE is refreshed every 15 s while the bot is connected to
# the gateway; the HEALTHCHECK below tests its age.
ENV FACTDESK_CONFIG=/usr/share/factdesk/language.toml FACTDESK_STORY=/usr/share/factdesk/story.toml \
    FACTDESK_CORPUS=/usr/share/factdesk/seeds \
    FACTDESK_STATE_FILE=/var/lib/factdesk/state.json \
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
