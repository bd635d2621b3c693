#!/usr/bin/env bash
# Install the Debian packages Saker builds, tests and runs with.
# Idempotent: runs apt-get only when a package is missing.
set -euo pipefail

packages=(
	build-essential make pkg-config clang llvm lld libclang-rt-14-dev
	libbpf-dev bpftool libelf-dev zlib1g-dev
	libyaml-dev libpcre2-dev libcurl4-openssl-dev libcjson-dev libssl-dev
	libwebsockets-dev libcmocka-dev
	sysdig xxd jq
)

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done

if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	sudo=sudo
else
	sudo=
fi

echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# sysdig pulls in a DKMS kernel module; we only use its capture reader.
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
