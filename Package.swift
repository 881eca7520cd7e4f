// swift-tools-version:6.0
import PackageDescription

/// Release builds lower copies and destroys of values the old way, with code for each type,
/// instead of by type layout: that sent the reader's nodes and the decoders' optional fields
/// through value witness calls, about 110 instructions each instead of a few inline
/// (2.7 % of a lint's instructions; README, "Lint, sixth round").
let inlineValueOperations: [SwiftSetting] = [
    .unsafeFlags(["-Xfrontend", "-disable-type-layout"], .when(configuration: .release))
]

let package = Package(
    name: "Portcullis",
    products: [
        .executable(name: "portcullis", targets: ["portcullis"]),
        .library(name: "PortcullisCompiler", targets: ["PortcullisCompiler"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // libyaml through pkg-config; Debian's libyaml-dev provides it.
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        // libxml2 through pkg-config, for reading raw policy XML; Debian's libxml2-dev provides it.
        .systemLibrary(
            name: "CXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        // One C call Swift's Glibc module does not expose: an atomic swap of two folders.
        .target(name: "CPortcullisFileSystem"),
        .target(name: "PortcullisDiagnostics", dependencies: ["PortcullisSupport"], swiftSettings: inlineValueOperations),
        // SHA-256 on the processor's SHA extensions, where it has them.
        .target(name: "CPortcullisSHA256"),
        // Process-wide settings, through C calls Swift's Glibc module does not expose: the
        // allocator's growth (set by the executable) and the first worker's CPU (ParallelMap).
        .target(name: "CPortcullisProcess"),
        .target(name: "PortcullisSupport", dependencies: ["CPortcullisSHA256", "CPortcullisProcess"], swiftSettings: inlineValueOperations),
        .target(name: "PortcullisSyntax", dependencies: ["CYAML", "PortcullisDiagnostics", "PortcullisSupport"], swiftSettings: inlineValueOperations),
        .target(name: "PortcullisPolicyXML", dependencies: ["CXML2", "PortcullisDiagnostics", "PortcullisSupport"], swiftSettings: inlineValueOperations),
        .target(
            name: "PortcullisModel",
            dependencies: ["PortcullisSyntax", "PortcullisPolicyXML", "PortcullisDiagnostics", "PortcullisSupport"],
            swiftSettings: inlineValueOperations),
        .target(
            name: "PortcullisChecker",
            dependencies: ["PortcullisModel", "PortcullisSyntax", "PortcullisPolicyXML", "PortcullisDiagnostics", "PortcullisSupport"],
            swiftSettings: inlineValueOperations
        ),
        .target(
            name: "PortcullisEmit",
            dependencies: ["PortcullisModel", "PortcullisPolicyXML", "PortcullisDiagnostics", "PortcullisSupport"],
            swiftSettings: inlineValueOperations
        ),
        .target(
            name: "PortcullisCompiler",
            dependencies: [
                "PortcullisChecker", "PortcullisEmit", "PortcullisModel", "PortcullisSyntax", "PortcullisPolicyXML",
                "PortcullisDiagnostics", "PortcullisSupport", "CPortcullisFileSystem",
            ],
            swiftSettings: inlineValueOperations
        ),
        // Turns an existing APIM estate (an APIOps tree, an OpenAPI document) into definitions.
        .target(
            name: "PortcullisImport",
            dependencies: [
                "PortcullisCompiler", "PortcullisEmit", "PortcullisModel", "PortcullisSyntax", "PortcullisPolicyXML",
                "PortcullisDiagnostics", "PortcullisSupport",
            ],
            swiftSettings: inlineValueOperations
        ),
        .executableTarget(
            name: "portcullis",
            dependencies: [
                "CPortcullisProcess",
                "PortcullisCompiler",
                "PortcullisImport",
                "PortcullisEmit",
                "PortcullisChecker",
                "PortcullisSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // A release binary carries the Swift runtime and Foundation: it starts in half
            // the time (no dynamic loading and relocation of a dozen libraries, a tenth of a
            // small lint) and runs on a machine without a Swift toolchain.
            swiftSettings: inlineValueOperations
                + [.unsafeFlags(["-static-stdlib"], .when(platforms: [.linux], configuration: .release))],
            linkerSettings: [.unsafeFlags(["-static-stdlib"], .when(platforms: [.linux], configuration: .release))]
        ),
        // Helpers several test targets share, such as a seeded random generator.
        .target(name: "PortcullisTestSupport", path: "Tests/PortcullisTestSupport"),
        .testTarget(name: "PortcullisSupportTests", dependencies: ["PortcullisSupport", "PortcullisTestSupport", "CPortcullisProcess"]),
        .testTarget(name: "PortcullisEmitTests", dependencies: ["PortcullisEmit"]),
        .testTarget(name: "PortcullisSyntaxTests", dependencies: ["PortcullisSyntax", "PortcullisTestSupport"]),
        .testTarget(name: "PortcullisPolicyXMLTests", dependencies: ["PortcullisPolicyXML"]),
        .testTarget(name: "PortcullisModelTests", dependencies: ["PortcullisModel", "PortcullisTestSupport"]),
        .testTarget(name: "PortcullisCheckerTests", dependencies: ["PortcullisChecker", "PortcullisCompiler"]),
        .testTarget(
            name: "PortcullisCompilerTests",
            dependencies: ["PortcullisCompiler", "PortcullisChecker", "PortcullisPolicyXML", "PortcullisImport", "PortcullisTestSupport"],
            exclude: ["Fixtures", "Support"]
        ),
    ]
)
