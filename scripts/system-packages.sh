#!/usr/bin/env bash
# The Debian/Ubuntu packages the project needs beyond Python, installed when missing.
#
#   scripts/system-packages.sh run    what running needs: PDF letters (WeasyPrint's Pango,
#                                     HarfBuzz subsetting, a Chinese font)
#   scripts/system-packages.sh test   that, and what the tests use: poppler (pdftotext,
#                                     pdffonts), LibreOffice (DOCX -> PDF), Chromium + chromedriver
#
# Installs with apt-get as root, or through sudo when it needs no password; otherwise stops,
# naming the one command to run. Every check goes through PATH, so a test can stand in for
# the system.
set -euo pipefail

profile="${1:-test}"
case "$profile" in
    run | test) ;;
    *)
        echo "usage: $0 run|test" >&2
        exit 2
        ;;
esac

has() { command -v "$1" >/dev/null 2>&1; }

shared_libraries() {
    local ldconfig
    for ldconfig in ldconfig /sbin/ldconfig /usr/sbin/ldconfig; do
        if has "$ldconfig"; then
            "$ldconfig" -p 2>/dev/null || true
            return
        fi
    done
}

missing_packages() {
    local libraries
    libraries="$(shared_libraries)"
    grep -q 'libpango-1\.0\.so\.0' <<<"$libraries" || echo libpango-1.0-0
    grep -q 'libpangoft2-1\.0\.so\.0' <<<"$libraries" || echo libpangoft2-1.0-0
    grep -q 'libharfbuzz-subset\.so\.0' <<<"$libraries" || echo libharfbuzz-subset0
    # fc-list (fontconfig) is how the letters and this script find a Chinese font.
    has fc-list || echo fontconfig
    { has fc-list && fc-list ':lang=zh' family 2>/dev/null | grep -q .; } || echo fonts-noto-cjk
    if [ "$profile" = test ]; then
        { has pdftotext && has pdffonts; } || echo poppler-utils
        has libreoffice || has soffice || echo libreoffice-writer-nogui
        has chromium || has chromium-browser || echo chromium
        has chromedriver || echo chromium-driver
    fi
}

mapfile -t missing < <(missing_packages)
[ "${#missing[@]}" -eq 0 ] && exit 0

install=(apt-get install -y -q --no-install-recommends "${missing[@]}")
if [ "$(id -u)" = 0 ]; then
    as_root=()
elif has sudo && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
else
    echo "system packages missing: ${missing[*]}" >&2
    echo "install them with: sudo apt-get update && sudo ${install[*]}" >&2
    exit 1
fi
if ! has apt-get; then
    echo "system packages missing: ${missing[*]} (Debian names; this system has no apt-get," \
        "install their equivalents with its package manager)" >&2
    exit 1
fi

echo "installing system packages: ${missing[*]}"
# A fresh machine has no package lists yet: update first.
"${as_root[@]}" apt-get update -q
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive "${install[@]}"

mapfile -t still < <(missing_packages)
if [ "${#still[@]}" -gt 0 ]; then
    echo "system packages still missing after apt-get install: ${still[*]}" >&2
    exit 1
fi
