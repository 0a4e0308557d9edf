#!/usr/bin/env bash
# Renders BuildTriage's HTML report for a generated input with 20,000 failing tests and for a sample, loads
# each page in headless Chromium, and fails if a page logs a console error (uncaught exception,
# console.error, Content-Security-Policy violation, failed load) or takes 2 s or more to load.
# Screenshots are written for a person to look at.
#
#   Scripts/check-html.sh [OUT_DIR]        (default: .build/html-check)
#
# Environment: BUILDTRIAGE=path/to/buildtriage to skip the build (else a release build is made);
# CHROMIUM=path/to/chromium; FAILURES=20000; MAX_SECONDS=2; SAMPLE=seed-batch-failed.
# Installs Debian's chromium with apt-get when no Chromium is found (needs root).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/.build/html-check}"
failures="${FAILURES:-20000}"
max_seconds="${MAX_SECONDS:-2}"
sample="${SAMPLE:-seed-batch-failed}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

chromium="${CHROMIUM:-}"
if [[ -z "$chromium" ]]; then
  for candidate in chromium chromium-browser google-chrome; do
    if command -v "$candidate" >/dev/null 2>&1; then chromium="$(command -v "$candidate")"; break; fi
  done
fi
if [[ -z "$chromium" ]]; then
  echo "check-html: installing chromium (Debian package)" >&2
  if [[ "$(id -u)" -eq 0 ]]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
  chromium="$(command -v chromium)"
fi

binary="${BUILDTRIAGE:-}"
if [[ -z "$binary" ]]; then
  (cd "$root" && swift build -c release --product buildtriage >&2)
  binary="$(cd "$root" && swift build -c release --show-bin-path)/buildtriage"
fi

# (a) The input: 20,000 failing tests (half one failure seen 10,000 times, half distinct), then the reports.
mkdir -p "$out/input"
python3 "$root/Scripts/generate-junit.py" "$out/input/TEST-huge.xml" "$failures"
start=$(date +%s.%N)
status=0
"$binary" analyze "$out/input" --format html --output "$out/huge.html" || status=$?
end=$(date +%s.%N)
if [[ $status -ne 1 ]]; then echo "check-html: expected exit code 1 (fix) for the huge input, got $status" >&2; exit 1; fi
printf 'check-html: %s failing tests analyzed and rendered in %.1f s (%s bytes of HTML)\n' \
  "$failures" "$(echo "$end - $start" | bc)" "$(wc -c <"$out/huge.html")"
(cd "$root/Samples/$sample" && "$binary" analyze input --format html --output "$out/sample.html") || true

# A page that must show an error: proves the check would see one (an inline script the CSP refuses, and an
# uncaught exception on a page without a CSP).
cat >"$out/broken-csp.html" <<'HTML'
<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'"></head>
<body><script>document.title = "ran"</script><p>refused inline script</p></body></html>
HTML
cat >"$out/broken-script.html" <<'HTML'
<!DOCTYPE html><html><body><p>uncaught exception</p><script>undefinedFunction()</script></body></html>
HTML

# (b)–(d) Load each page over the DevTools protocol: console errors, load time (< MAX_SECONDS), full-page
# screenshots (the 20,000-failure page cut at 5,000 px).
python3 "$root/Scripts/cdp_check.py" --chromium "$chromium" --max-seconds "$max_seconds" \
  --expect-errors "$out/broken-csp.html" --expect-errors "$out/broken-script.html" \
  "$out/huge.html:$out/huge.png" "$out/sample.html:$out/sample.png"

# And Chromium's own --screenshot of the first screen of each, as a person opening the file would see it.
for page in huge sample; do
  "$chromium" --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars \
    --window-size=1280,1600 --screenshot="$out/$page-first-screen.png" "file://$out/$page.html" >/dev/null 2>&1
done
echo "check-html: ok; screenshots in $out: huge.png huge-first-screen.png sample.png sample-first-screen.png"
