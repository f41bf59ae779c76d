#!/bin/sh
# Installs the Debian packages sertel needs to build, run, test and
# benchmark, and only those that are missing, then the npm modules of the
# browser tests and pdf.js for the portal. Safe to run again.
set -eu

PKGS="build-essential pkg-config openssl libssl-dev libsqlite3-dev sqlite3
libmicrohttpd-dev libjansson-dev libsodium-dev libcurl4-openssl-dev
libcmocka-dev curl wrk python3 clang libclang-rt-14-dev
libpng-dev libjpeg-dev python3-aiosmtpd xxd
libqpdf-dev qpdf libqrencode-dev poppler-utils libnss3-tools chromium"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
# Node.js for the browser tests: Debian's, unless a node is there.
command -v npm >/dev/null 2>&1 || missing="$missing nodejs npm"

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
[ -z "$missing" ] || {
	echo "deps: installing$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq
	$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

# The browser tests' npm modules (tests/browser/package-lock.json).
cd "$(dirname "$0")/../tests/browser"
if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/axe-core ]; then
	echo "deps: npm ci in tests/browser" >&2
	npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi

# pdf.js, served by sertel from /static/ (web/package-lock.json); the
# Makefile copies its two ES modules into the embedded assets.
cd ../../web
if [ ! -s node_modules/pdfjs-dist/legacy/build/pdf.min.mjs ]; then
	echo "deps: npm ci in web" >&2
	npm ci --omit=optional --no-audit --no-fund --loglevel=error >/dev/null
fi
