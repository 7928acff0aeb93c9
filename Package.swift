// swift-tools-version: 6.1
// The module graph, lowest layer first. A module may import only modules above it in this file;
// the tidy test (Tests/TidyTests) fails on any import that points the other way.
import PackageDescription

let package = Package(
    name: "RunLedger",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "runledger", targets: ["runledger"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        // Layer 0: the C library, the pure domain, the generic simulation kernel.
        .systemLibrary(
            name: "CLZ4",
            pkgConfig: "liblz4",
            providers: [.apt(["liblz4-dev"])]
        ),
        .target(name: "CRC32CHardware"),
        .target(name: "RunLifecycle"),
        .target(
            name: "DiscreteEvent",
            dependencies: [.product(name: "Collections", package: "swift-collections")]
        ),

        // Layer 1: the only Swift code that calls liblz4.
        .target(name: "LZ4", dependencies: ["CLZ4"]),

        // Layer 2: the domain-agnostic log, the independent oracle, the trace parsers.
        .target(name: "EventLog", dependencies: ["LZ4", "CRC32CHardware"]),
        .target(name: "Invariants", dependencies: ["RunLifecycle"]),
        .target(name: "Traces", dependencies: ["RunLifecycle"]),

        // Layer 3: lifecycle events <-> log records.
        .target(name: "Journal", dependencies: ["EventLog", "RunLifecycle"]),

        // Layer 4: the server and client models driven by the kernel.
        .target(
            name: "Simulation",
            dependencies: [
                "DiscreteEvent", "RunLifecycle", "Invariants", "Journal",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),

        // Layer 5: replay of recorded traces; capacity planning.
        .target(
            name: "Replay",
            dependencies: [
                "Simulation", "Traces", "Invariants", "RunLifecycle",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        .target(name: "Capacity", dependencies: ["Simulation"]),

        // Layer 6: the only code that touches the wall clock, the environment and the terminal.
        .executableTarget(
            name: "runledger",
            dependencies: [
                "DiscreteEvent", "EventLog", "Journal", "Invariants", "Simulation", "Replay", "Capacity", "Traces",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Tests: one target per module, shared helpers, the built binary, and the tidy rules.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "LZ4Tests", dependencies: ["LZ4", "TestSupport"]),
        .testTarget(
            name: "EventLogTests",
            dependencies: [
                "EventLog", "TestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "RunLifecycleTests",
            dependencies: [
                "RunLifecycle", "TestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "DiscreteEventTests",
            dependencies: [
                "DiscreteEvent", "TestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "InvariantsTests",
            dependencies: [
                "Invariants", "RunLifecycle", "TestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),

        .testTarget(
            name: "JournalTests",
            dependencies: [
                "Journal", "RunLifecycle", "EventLog", "TestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "SimulationTests",
            dependencies: [
                "Simulation", "TestSupport", "DiscreteEvent", "RunLifecycle", "Invariants",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]),

        .testTarget(name: "TracesTests", dependencies: ["Traces", "RunLifecycle", "TestSupport"]),
        .testTarget(
            name: "ReplayTests",
            dependencies: [
                "Replay", "Traces", "Simulation", "RunLifecycle", "TestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "CLITests", dependencies: ["EventLog", "Journal", "RunLifecycle", "Simulation", "TestSupport"],
            // Read from the source tree by path (and rewritten with RUNLEDGER_UPDATE_GOLDEN=1), not bundled.
            exclude: ["Golden"]),
        .testTarget(name: "TidyTests", dependencies: ["TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
