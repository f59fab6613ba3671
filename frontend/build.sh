#!/usr/bin/env bash
# Builds the vendored front-end files from frontend/package-lock.json:
#   static/govuk/actionplan.css          GOV.UK Frontend + our .app- styles (frontend/actionplan.scss)
#   static/govuk/govuk-frontend.min.js   GOV.UK Frontend JS (an ES module: <script type="module">)
#   tests/browser/vendor/axe.min.js      axe-core, for accessibility checks in browser tests
# The outputs are committed, so running or testing the app never needs Node.
# Run from anywhere: `make frontend` or `bash frontend/build.sh`.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fe="$root/frontend"
out="$root/static/govuk"
vendor="$root/tests/browser/vendor"
gf="$fe/node_modules/govuk-frontend"

cd "$fe"
npm ci --no-audit --no-fund --ignore-scripts  # nothing here needs an install script

gf_version="$(node -p 'require("govuk-frontend/package.json").version')"
banner="/*! govuk-frontend v$gf_version | MIT License | (c) Crown copyright | built by frontend/build.sh */"

# static/govuk/ is wholly generated: start clean so nothing stale is left behind.
rm -rf "$out"
mkdir -p "$out" "$vendor"

# --no-charset, then our own @charset: the CSS has non-ASCII (content:"—"), and
# sass's compressed output would otherwise start with a BOM, which must stay
# the file's first bytes (a banner before it breaks the first rule, :root).
npx sass --no-source-map --no-charset --style=compressed --load-path=node_modules \
  actionplan.scss "$out/actionplan.css.tmp"
{ printf '@charset "UTF-8";\n%s\n' "$banner"; cat "$out/actionplan.css.tmp"; } >"$out/actionplan.css"
rm "$out/actionplan.css.tmp"

# Drop the sourceMappingURL trailer: the 216 KB .map is not shipped, so the
# reference would only dangle (and Django's manifest storage rejects missing maps).
{ echo "$banner"; sed -e 's|//# sourceMappingURL=[^ ]*$||' "$gf/dist/govuk/govuk-frontend.min.js"; } \
  >"$out/govuk-frontend.min.js"

# No files from govuk-frontend's dist/govuk/assets are copied: fonts/ is the
# GDS Transport typeface (GOV.UK only; we use Arial) and every file in images/
# (favicon, touch icons, mask icon, opengraph image, footer crest) is the
# GOV.UK crown or the Royal Arms, which a council service must not use.
# manifest.json only lists those icons. A council favicon, if wanted, belongs
# in static/ outside static/govuk/.
# Guard: every /static/ URL in the CSS must exist, or collectstatic fails.
missing=0
while IFS= read -r url; do
  if [[ ! -f "$root/${url#/}" ]]; then
    echo "build.sh: actionplan.css references missing file $url" >&2
    missing=1
  fi
done < <(grep -o 'url("\?/static/[^")]*' "$out/actionplan.css" | sed 's/^url("\?//' | sort -u)
[[ $missing -eq 0 ]]

cp "$fe/node_modules/axe-core/axe.min.js" "$vendor/axe.min.js"

echo "Wrote:"
(cd "$root" && for f in static/govuk/actionplan.css static/govuk/govuk-frontend.min.js \
  tests/browser/vendor/axe.min.js; do
  printf '  %-40s %8d bytes\n' "$f" "$(wc -c <"$f")"
done)
echo "  (govuk-frontend $gf_version, sass $(npx sass --version)," \
  "axe-core $(node -p 'require("axe-core/package.json").version'))"
