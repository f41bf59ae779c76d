#!/bin/sh
# Installs the Debian packages sertel needs to build, run, test and
# benchmark, and only those that are missing. Safe to run again.
set -eu

PKGS="build-essential pkg-config openssl libssl-dev libsqlite3-dev sqlite3
libmicrohttpd-dev libjansson-dev libsodium-dev libcurl4-openssl-dev
libcmocka-dev curl wrk python3 clang libclang-rt-14-dev
libpng-dev libjpeg-dev python3-aiosmtpd xxd
libqpdf-dev qpdf libqrencode-dev poppler-utils libnss3-tools"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "deps: installing$missing" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
