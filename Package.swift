// swift-tools-version: 6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "BuildTriage",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "buildtriage", targets: ["BuildTriageCLI"]),
        .library(name: "BuildTriageKit", targets: ["BuildTriageKit"]),
        .plugin(name: "Triage", targets: ["Triage"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // The history store: one SQLKit query layer over SQLite and PostgreSQL (postgres-nio with NIOSSL for TLS).
        .package(url: "https://github.com/vapor/sql-kit", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit", from: "2.17.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        /// zlib: `.gz` build logs are inflated in the same stream as plain ones.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        /// Vectorscan: every rule's `contains:` literals in one database, scanned once over each block of the log.
        .systemLibrary(name: "CVectorscan", pkgConfig: "libhs", providers: [.apt(["libvectorscan-dev"])]),
        /// PCRE2 (JIT): the rules' patterns, run on the lines the literals let through.
        .systemLibrary(name: "CPCRE2", pkgConfig: "libpcre2-8", providers: [.apt(["libpcre2-dev"])]),
        /// Typed model (AWS shapes with their member tables), findings, the report, the `Analyzer` and `Reporter` protocols. No parser.
        .target(name: "BuildTriageCore", swiftSettings: strict),
        /// Content detection and the readers, a folder per format: AWS/ and JSON/ (AWS CLI JSON), JUnit/ (libxml2, streaming), Log/.
        .target(name: "BuildTriageIngest", dependencies: ["BuildTriageCore", "CLibXML2", "CZlib"], swiftSettings: strict),
        /// Retry commands: validation, argv, --cli-input-json, shell quoting, execution.
        .target(name: "BuildTriageRetry", dependencies: ["BuildTriageCore"], swiftSettings: strict),
        /// `buildtriage collect`: fetches a failed run's responses and logs with the aws CLI into a folder.
        .target(name: "BuildTriageCollect", dependencies: ["BuildTriageCore", "BuildTriageRetry"], swiftSettings: strict),
        /// Built-in analyzers, the YAML knowledge base, external analyzers and the decision engine.
        .target(
            name: "BuildTriageAnalyzers",
            dependencies: ["BuildTriageCore", "BuildTriageRetry", "CVectorscan", "CPCRE2", .product(name: "Yams", package: "Yams")],
            resources: [.copy("Rules")],
            swiftSettings: strict
        ),
        /// One pure reporter per output format.
        .target(name: "BuildTriageReporters", dependencies: ["BuildTriageCore"], swiftSettings: strict),
        /// Cross-run history: runs and test outcomes in SQLite or PostgreSQL through SQLKit; flaky and broken tests.
        /// `Postgres/`: PostgreSQL URLs, passwords (PGPASSWORD, ~/.pgpass), TLS per sslmode, typed connection errors,
        /// the connection as an SQLKit database, and the migrations' advisory lock.
        .target(
            name: "BuildTriageHistory",
            dependencies: [
                "BuildTriageCore",
                "BuildTriageReporters",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        /// The pipeline: ingest → analyze → decide → report. What the CLI and other tools call.
        .target(
            name: "BuildTriageKit",
            dependencies: ["BuildTriageCore", "BuildTriageIngest", "BuildTriageAnalyzers", "BuildTriageRetry", "BuildTriageReporters", "BuildTriageHistory"],
            swiftSettings: strict
        ),
        /// The thin `@main`: flags in, exit code out.
        .executableTarget(
            name: "BuildTriageCLI",
            dependencies: ["BuildTriageKit", "BuildTriageCollect", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict
        ),
        /// `swift package triage`: runs `buildtriage analyze` on given paths, or on this package's test results.
        .plugin(
            name: "Triage",
            capability: .command(
                // No declared permission: triaging files writes nothing, and it should not need a flag. Running the
                // tests (no paths) builds into .build, which the macOS plugin sandbox forbids: there, pass
                // --disable-sandbox. Linux has no plugin sandbox.
                intent: .custom(verb: "triage", description: "Triage the package's test failures, or CI outputs, with buildtriage.")
            )
            // No dependency on BuildTriageCLI: a plugin cannot depend on an executable target that a product of
            // another name already holds (swiftlang/swift-package-manager#8831), so the plugin builds the
            // `buildtriage` product itself.
        ),
        // Helpers shared by the test targets (scratch directories, scripts, the built executable).
        .target(name: "BuildTriageTestSupport", path: "Tests/BuildTriageTestSupport", swiftSettings: strict),
        .testTarget(name: "BuildTriageCoreTests", dependencies: ["BuildTriageCore"], swiftSettings: strict),
        .testTarget(name: "BuildTriageIngestTests", dependencies: ["BuildTriageIngest", "BuildTriageTestSupport"], swiftSettings: strict),
        // Depends on the CLI too: `retry --execute` is tested end to end against the aws stub.
        .testTarget(name: "BuildTriageRetryTests", dependencies: ["BuildTriageRetry", "BuildTriageCLI", "BuildTriageTestSupport"], swiftSettings: strict),
        // The real aws CLI against the loopback stub's small world; `collect` then `analyze` end to end.
        .testTarget(
            name: "BuildTriageCollectTests", dependencies: ["BuildTriageCollect", "BuildTriageKit", "BuildTriageCLI", "BuildTriageTestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "BuildTriageAnalyzersTests", dependencies: ["BuildTriageAnalyzers", "BuildTriageIngest", "BuildTriageTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "BuildTriageReportersTests", dependencies: ["BuildTriageReporters", "BuildTriageKit", "BuildTriageTestSupport"], exclude: ["Goldens"],
            swiftSettings: strict),
        .testTarget(name: "BuildTriageKitTests", dependencies: ["BuildTriageKit", "BuildTriageIngest", "BuildTriageTestSupport"], swiftSettings: strict),
        // The PostgreSQL tests need BUILDTRIAGE_TEST_POSTGRES_URL (Scripts/postgres-test-server.sh start).
        .testTarget(
            name: "BuildTriageHistoryTests",
            dependencies: [
                "BuildTriageHistory", "BuildTriageKit", "BuildTriageCLI", "BuildTriageTestSupport",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "EndToEndTests", dependencies: ["BuildTriageCLI", "BuildTriageKit", "BuildTriageTestSupport"], swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)
