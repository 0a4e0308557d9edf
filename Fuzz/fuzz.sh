#!/usr/bin/env bash
# Builds and runs the libFuzzer targets of the ingest readers (Linux, Swift toolchain's libFuzzer).
#
#   Fuzz/fuzz.sh build            build every target into fuzz-out/bin
#   Fuzz/fuzz.sh TARGET SECONDS   build TARGET (json, junit, cucumber, log) and fuzz it for SECONDS
#   Fuzz/fuzz.sh --smoke          build every target and run each for $SMOKE_SECONDS (20) seconds (CI)
#
# Extra libFuzzer flags can be passed in FUZZ_FLAGS (e.g. FUZZ_FLAGS="-runs=1000000"). Crashes are written to
# fuzz-out/crashes/TARGET/; the working corpus is fuzz-out/corpus/TARGET (seeded from Samples/ and
# Tests/Corpus). Everything generated stays under fuzz-out/ (gitignored).
#
# The product modules are compiled as they are in the package (BuildTriageCore, then BuildTriageIngest, with the
# package's upcoming features and `-package-name`), instrumented for libFuzzer and AddressSanitizer, and linked
# with the target file; the target calls only the modules' public API.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/fuzz-out"
build="$out/build"
bin="$out/bin"
targets=(json junit cucumber log)

swift_flags=(
    -swift-version 6 -parse-as-library -O -g
    -sanitize=fuzzer,address
    -enable-upcoming-feature ExistentialAny -enable-upcoming-feature InternalImportsByDefault
    -package-name buildtriage
)
xml_cflags=$(pkg-config --cflags libxml-2.0)   # -I/usr/include/libxml2
xml_libs=$(pkg-config --libs libxml-2.0)       # -lxml2

# One library module: its sources compiled whole-module into an object file plus a .swiftmodule in $build.
build_module() {
    local name="$1"
    shift
    local sources
    mapfile -t sources < <(find "$root/Sources/$name" -name '*.swift' | sort)
    local stamp="$build/$name.o"
    if [[ -f "$stamp" ]] && [[ -z "$(find "$root/Sources/$name" "$root/Fuzz/fuzz.sh" -newer "$stamp" -print -quit)" ]]; then
        return
    fi
    echo "fuzz: compiling $name" >&2
    swiftc "${swift_flags[@]}" -module-name "$name" -wmo -c -emit-module -emit-module-path "$build/$name.swiftmodule" \
        -I "$build" "$@" "${sources[@]}" -o "$stamp"
    touch "$stamp"  # swiftc leaves an unchanged object file's time as it was
}

build_libraries() {
    mkdir -p "$build" "$bin"
    build_module BuildTriageCore
    build_module BuildTriageIngest -I "$root/Sources/CLibXML2" -Xcc $xml_cflags
}

target_file() {
    case "$1" in
        json) echo "$root/Fuzz/FuzzJSON.swift" ;;
        junit) echo "$root/Fuzz/FuzzJUnit.swift" ;;
        cucumber) echo "$root/Fuzz/FuzzCucumber.swift" ;;
        log) echo "$root/Fuzz/FuzzLog.swift" ;;
        *) echo "fuzz: unknown target '$1' (json, junit, cucumber, log)" >&2; exit 64 ;;
    esac
}

build_target() {
    local target="$1" file
    file="$(target_file "$target")"
    build_libraries
    if [[ -x "$bin/fuzz-$target" ]] && [[ -z "$(find "$file" "$build" -newer "$bin/fuzz-$target" -print -quit)" ]]; then
        return
    fi
    echo "fuzz: linking fuzz-$target" >&2
    swiftc "${swift_flags[@]}" -module-name "Fuzz_$target" -I "$build" -I "$root/Sources/CLibXML2" -Xcc $xml_cflags \
        -use-ld=lld "$file" "$build/BuildTriageCore.o" "$build/BuildTriageIngest.o" $xml_libs -o "$bin/fuzz-$target"
    touch "$bin/fuzz-$target"
}

# Seeds: the files of the samples and of Tests/Corpus of the target's kind, copied into fuzz-out/seeds/TARGET.
seed() {
    local target="$1" dir="$out/seeds/$1"
    mkdir -p "$dir" "$out/corpus/$target" "$out/crashes/$target"
    local shared="$root/Tests/Corpus"
    case "$target" in
        json)
            find "$root/Samples" -name '*.json' ! -name expected.json -exec cp {} "$dir/" \;
            [[ -d "$shared/aws" ]] && cp "$shared/aws/"*.json "$dir/"
            ;;
        junit)
            # Every XML format: JUnit, NUnit 2/3, TRX, xUnit.net, TestNG.
            find "$root/Samples" \( -name '*.xml' -o -name '*.trx' \) -exec cp {} "$dir/" \;
            for corpus in junit formats; do
                [[ -d "$shared/$corpus" ]] && find "$shared/$corpus" \( -name '*.xml' -o -name '*.trx' \) -size -256k -exec sh -c \
                    'for f; do cp "$f" "$0/$(echo "$f" | md5sum | cut -c1-12).xml"; done' "$dir" {} +
            done
            ;;
        cucumber)
            find "$root/Samples" -path '*/input/*' -name '*.json' -exec sh -c \
                'for f; do if head -c1 "$f" | grep -q "\["; then cp "$f" "$0/$(echo "$f" | md5sum | cut -c1-12).json"; fi; done' "$dir" {} +
            [[ -d "$shared/formats" ]] && find "$shared/formats" -name '*.json' -size -256k -exec sh -c \
                'for f; do cp "$f" "$0/$(echo "$f" | md5sum | cut -c1-12).json"; done' "$dir" {} +
            ;;
        log)
            find "$root/Samples" \( -name '*.log' -o -name '*.txt' \) -exec cp {} "$dir/" \;
            ;;
    esac
    true
}

run_target() {
    local target="$1" seconds="$2"
    build_target "$target"
    seed "$target"
    local dict=() max_len=65536
    # XML inputs past 16 KiB only slow libxml2 down without reaching new code.
    [[ "$target" == junit ]] && max_len=16384
    [[ "$target" == junit && -f "$root/Fuzz/xml.dict" ]] && dict=(-dict="$root/Fuzz/xml.dict")
    [[ "$target" == json || "$target" == cucumber ]] && [[ -f "$root/Fuzz/json.dict" ]] && dict=(-dict="$root/Fuzz/json.dict")
    echo "fuzz: running fuzz-$target for ${seconds}s" >&2
    # -timeout: one input taking over 10 s is a hang; -rss_limit_mb: a leak or blow-up is a failure.
    ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}" "$bin/fuzz-$target" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="$max_len" -print_final_stats=1 \
        -artifact_prefix="$out/crashes/$target/" "${dict[@]}" ${FUZZ_FLAGS:-} \
        "$out/corpus/$target" "$out/seeds/$target"
}

case "${1:-}" in
    build)
        for target in "${targets[@]}"; do build_target "$target"; done
        ;;
    --smoke)
        started=$SECONDS
        for target in "${targets[@]}"; do build_target "$target"; done
        for target in "${targets[@]}"; do run_target "$target" "${SMOKE_SECONDS:-20}"; done
        echo "fuzz: smoke run passed in $((SECONDS - started))s" >&2
        ;;
    json | junit | cucumber | log)
        run_target "$1" "${2:-60}"
        ;;
    *)
        sed -n '2,14p' "$0" >&2
        exit 64
        ;;
esac
