#!/bin/sh
# Entrypoint of the cilium-agent image. The configuration comes from a mounted
# $CILIUM_CONFIG_DIR/config.yaml, from the CILIUM_* environment (the seed's `docker run -e ...`
# line), or from both: the agent layers file < environment < flags itself.
#
#   docker run ... image                    -> cilium-agent
#   docker run ... image --debug            -> cilium-agent --debug
#   docker run ... image cilium status      -> any command of the image, as is
set -eu

config_dir="${CILIUM_CONFIG_DIR:-/etc/cilium}"

case "${1:-}" in
    "" | -*) ;;
    *) exec "$@" ;;
esac

# A Docker or Swarm secret is mounted readable by everyone in the container, and the agent
# refuses a secret that group or others can read. Copy it to a private file instead of
# loosening that check. The secret never goes through an environment variable (docker
# inspect would show it).
secret_source="${CILIUM_SECRET_SOURCE:-/run/secrets/cilium-cluster-secret}"
if [ -f "$secret_source" ] && [ -z "${CILIUM_CLUSTER_SECRETFILE:-}" ]; then
    secret_dir="${CILIUM_SECRET_DIR:-/run/cilium-secret}"
    (umask 077 && mkdir -p "$secret_dir" && cat "$secret_source" >"$secret_dir/cluster-secret.tmp" \
        && mv -f "$secret_dir/cluster-secret.tmp" "$secret_dir/cluster-secret")
    CILIUM_CLUSTER_SECRETFILE="$secret_dir/cluster-secret"
    export CILIUM_CLUSTER_SECRETFILE
fi

if [ -f "$config_dir/config.yaml" ]; then
    set -- --config-dir="$config_dir" "$@"
else
    echo "cilium-entrypoint: no $config_dir/config.yaml; configuring from defaults and CILIUM_* variables" >&2
    # Explicitly no file: the agent must not fall back to another config.yaml.
    set -- --config-file=/dev/null "$@"
fi

exec cilium-agent "$@"
