#!/usr/bin/env bash
# Installs what nnlab needs on a fresh Debian machine: the C libraries it links (OpenBLAS, readline, zlib,
# OpenSSL's libcrypto, ZeroMQ), Fashion-MNIST from Debian's package, and (with --python) the Python packages the
# tests use to check nnlab from the outside (nbformat for notebooks, html5lib for HTML transcripts, safetensors +
# numpy for saved models, and jupyter_client, nbconvert and nbclient as the Jupyter clients of the kernel).
# Safe to run again: it only installs what is missing. Never reads stdin.
set -euo pipefail

with_python=0
[[ "${1:-}" == "--python" ]] && with_python=1

sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo -n); fi

packages=(libopenblas-dev libreadline-dev zlib1g-dev libssl-dev libzmq3-dev)
optional=(dataset-fashion-mnist time)
missing=()
for p in "${packages[@]}" "${optional[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "setup: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    "${sudo_cmd[@]}" apt-get update -qq </dev/null >/dev/null || true
    if ! "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" </dev/null >/dev/null; then
        # Fashion-MNIST is optional (the official mirror is the other route); the libraries are not.
        "${sudo_cmd[@]}" apt-get install -y -qq "${packages[@]}" </dev/null >/dev/null
    fi
fi

if ! command -v swift >/dev/null 2>&1; then
    if [[ -x /opt/swift/usr/bin/swift ]]; then
        export PATH=/opt/swift/usr/bin:$PATH
    else
        echo "setup: error: the Swift 6 toolchain is not installed (expected 'swift' on PATH or /opt/swift)" >&2
        exit 1
    fi
fi

if ((with_python)); then
    python3 - <<'PY' 2>/dev/null || { echo "setup: installing nbformat, html5lib, safetensors, numpy, jupyter_client, nbconvert, nbclient from PyPI" >&2; python3 -m pip install -q nbformat html5lib safetensors numpy jupyter_client nbconvert nbclient </dev/null; }
import nbformat, html5lib, safetensors, numpy, jupyter_client, nbconvert, nbclient, zmq
PY
fi
