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
# The product modules are compiled as they are in the package (BuildTriageCore, BuildTriageIngest, and for the log
# target BuildTriageRetry, Yams and BuildTriageAnalyzers, with the package's upcoming features and `-package-name`),
# instrumented for libFuzzer and AddressSanitizer, and linked with the target file and the system libraries the
# package uses (libxml2, zlib, Vectorscan, PCRE2); the target calls only the modules' public API. The log target
# also compiles the tests' old matcher (Tests/BuildTriageAnalyzersTests/OldMatcher.swift), its oracle. Yams comes
# from the package's checkout (`swift package resolve` when missing).
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
system_libs="$xml_libs $(pkg-config --libs zlib libhs libpcre2-8)"   # -lz -lhs -lpcre2-8
system_includes=(-I "$root/Sources/CLibXML2" -I "$root/Sources/CZlib" -I "$root/Sources/CVectorscan" -I "$root/Sources/CPCRE2" -Xcc $xml_cflags)

# One library module: its sources compiled whole-module into an object file plus a .swiftmodule in $build.
build_module() {
    local name="$1"
    shift
    local sources
    mapfile -t sources < <(find "$root/Sources/$name" -name '*.swift' | sort)
    # SwiftPM's resource accessor, for a module with resources (the analyzers' built-in rules).
    if [[ -d "$root/Sources/$name/Rules" ]]; then
        printf 'import Foundation\nextension Foundation.Bundle {\n    static let module = Bundle(path: "%s") ?? .main\n}\n' \
            "$root/Sources/$name" > "$build/$name-resources.swift"
        sources+=("$build/$name-resources.swift")
    fi
    local stamp="$build/$name.o"
    if [[ -f "$stamp" ]] && [[ -z "$(find "$root/Sources/$name" "$root/Fuzz/fuzz.sh" -newer "$stamp" -print -quit)" ]]; then
        return
    fi
    echo "fuzz: compiling $name" >&2
    swiftc "${swift_flags[@]}" -module-name "$name" -wmo -c -emit-module -emit-module-path "$build/$name.swiftmodule" \
        -I "$build" "$@" "${sources[@]}" -o "$stamp"
    touch "$stamp"  # swiftc leaves an unchanged object file's time as it was
}

# Yams (the rule files' YAML), from the package's checkout: its C part with clang, its Swift part in Swift 5 mode
# as its own package builds it.
build_yams() {
    local yams="$root/.build/checkouts/Yams"
    if [[ ! -d "$yams/Sources/Yams" ]]; then
        (cd "$root" && swift package resolve >&2)
    fi
    local stamp="$build/Yams.o"
    [[ -f "$stamp" ]] && return
    echo "fuzz: compiling Yams" >&2
    local c
    for c in "$yams"/Sources/CYaml/src/*.c; do
        clang -c -O1 -g -fsanitize=fuzzer-no-link,address -DYAML_DECLARE_STATIC -I "$yams/Sources/CYaml/include" "$c" \
            -o "$build/CYaml-$(basename "$c" .c).o"
    done
    local sources
    mapfile -t sources < <(find "$yams/Sources/Yams" -name '*.swift' | sort)
    swiftc -swift-version 5 -parse-as-library -O -g -sanitize=fuzzer,address -DSWIFT_PACKAGE -module-name Yams -wmo -c -emit-module \
        -emit-module-path "$build/Yams.swiftmodule" -I "$yams/Sources/CYaml/include" -Xcc -DYAML_DECLARE_STATIC \
        "${sources[@]}" -o "$stamp"
}

build_libraries() {
    mkdir -p "$build" "$bin"
    build_module BuildTriageCore
    build_module BuildTriageIngest "${system_includes[@]}"
}

# The knowledge base and what it needs (the log target only).
build_analyzers() {
    build_yams
    build_module BuildTriageRetry
    build_module BuildTriageAnalyzers "${system_includes[@]}" -I "$root/.build/checkouts/Yams/Sources/CYaml/include"
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
    [[ "$target" == log ]] && build_analyzers
    if [[ -x "$bin/fuzz-$target" ]] && [[ -z "$(find "$file" "$build" "$root/Tests/BuildTriageAnalyzersTests/OldMatcher.swift" -newer "$bin/fuzz-$target" -print -quit)" ]]; then
        return
    fi
    local files=("$file") objects=("$build/BuildTriageCore.o" "$build/BuildTriageIngest.o")
    if [[ "$target" == log ]]; then
        files+=("$root/Tests/BuildTriageAnalyzersTests/OldMatcher.swift")
        objects+=("$build/BuildTriageRetry.o" "$build/BuildTriageAnalyzers.o" "$build/Yams.o" "$build"/CYaml-*.o)
    fi
    echo "fuzz: linking fuzz-$target" >&2
    swiftc "${swift_flags[@]}" -module-name "Fuzz_$target" -I "$build" "${system_includes[@]}" \
        -I "$root/.build/checkouts/Yams/Sources/CYaml/include" -use-ld=lld "${files[@]}" "${objects[@]}" $system_libs \
        -o "$bin/fuzz-$target"
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
