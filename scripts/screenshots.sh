#!/usr/bin/env bash
# Builds the release console (as scripts/run.sh does) and saves screenshots of every page, at
# desktop width (1280 px) and on a phone (Pixel 7 emulation), into end2end/screenshots/.
set -euo pipefail
"$(dirname "$0")/setup.sh"
source "$(dirname "$0")/env.sh"
build_console
cd end2end
SERVER_BIN="$server_bin" SITE_ROOT="$site_root" npx playwright test --config screens.config.ts
echo "screenshots in $root/end2end/screenshots/"
