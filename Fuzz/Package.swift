// swift-tools-version:6.0
import PackageDescription

// The libFuzzer target lives in its own package: built with `--sanitize fuzzer` it gets
// libFuzzer's `main`, and a plain `swift build` of the main package never sees it.
let package = Package(
    name: "PortcullisFuzz",
    dependencies: [.package(name: "Portcullis", path: "..")],
    targets: [
        .executableTarget(
            name: "portcullis-fuzz",
            dependencies: [.product(name: "PortcullisCompiler", package: "Portcullis")]
        )
    ]
)
