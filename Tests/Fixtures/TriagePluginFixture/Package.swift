// swift-tools-version: 6.1
import PackageDescription

/// A package whose tests fail on purpose, for `Scripts/plugin-smoke.sh`: `swift package triage` must run them,
/// triage the failure and exit non-zero with buildtriage's code 1.
let package = Package(
    name: "TriagePluginFixture",
    dependencies: [.package(path: "../../..")],
    targets: [
        .target(name: "Arithmetic"),
        .testTarget(name: "ArithmeticTests", dependencies: ["Arithmetic"]),
    ],
    swiftLanguageModes: [.v6]
)
