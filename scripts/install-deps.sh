#!/usr/bin/env bash
# Installs what slotferry's demo and tests need on Debian 12, only when missing:
# redis-server, redis-tools (redis-cli, redis-check-rdb, redis-benchmark), nutcracker (Twemproxy), openssl.
# JDK 17 and Maven are expected to be there already (see README.md). SLOTFERRY_NO_INSTALL=1: only
# check, and fail naming what is missing (`migrate demo --no-install`).
set -euo pipefail

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v redis-cli >/dev/null 2>&1 || missing+=(redis-tools)
command -v nutcracker >/dev/null 2>&1 || [[ -x /usr/sbin/nutcracker ]] || missing+=(nutcracker)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)

tools=(java)
[[ -n "${MIGRATE:-}" ]] || tools+=(mvn) # MIGRATE set: the CLI is already built (`migrate demo`)
for tool in "${tools[@]}"; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "install-deps: '$tool' is missing: install JDK 17 and Maven first (apt-get install openjdk-17-jdk-headless maven)" >&2
    exit 1
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

if [[ -n "${SLOTFERRY_NO_INSTALL:-}" ]]; then
  echo "install-deps: missing ${missing[*]}; install them (apt-get install ${missing[*]}) or allow installing" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]} from Debian packages" >&2
sudo=""
if [[ $(id -u) -ne 0 ]]; then
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The packages start system services on 6379/22121 where an init system runs; our tests and demo
# start their own servers on free ports and do not need them.
for svc in redis-server nutcracker; do
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$svc" 2>/dev/null; then
    $sudo systemctl stop "$svc" || true
  fi
done
