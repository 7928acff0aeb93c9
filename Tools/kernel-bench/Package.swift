// swift-tools-version: 6.1
// A release-mode benchmark for the DiscreteEvent kernel, kept out of the root package so that
// `swift test` never runs timing code. The kernel sources are the root package's own
// (Sources/DiscreteEvent is a symlink to them), compiled as a separate module exactly as the
// Simulation module sees them. Run: Tools/kernel-bench/run
import PackageDescription

let package = Package(
    name: "kernel-bench",
    dependencies: [
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
    ],
    targets: [
        .target(
            name: "DiscreteEvent",
            dependencies: [.product(name: "Collections", package: "swift-collections")]
        ),
        .executableTarget(
            name: "KernelBench",
            dependencies: [
                "DiscreteEvent",
                .product(name: "HeapModule", package: "swift-collections"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
