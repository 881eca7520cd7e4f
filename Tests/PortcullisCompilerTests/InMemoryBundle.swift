import Foundation
import PortcullisEmit

/// A bundle held in memory, for tests that look at its files: what a build produced,
/// collected, and produced again on request.
struct InMemoryBundle: BundleSource, Equatable {
    let files: [String: [UInt8]]

    var paths: [String] { files.keys.sorted() }

    init(collecting source: some BundleSource) throws {
        let collector = Collector()
        _ = try source.produce(into: collector)
        files = collector.files
    }

    func produce(into sink: any BundleSink) throws -> BundleIndex {
        try BundleIndex(paths.map { path in
            try sink.receive(path, [files[path]!])
            return BundleIndex.Entry(path: path, pieces: [files[path]!])
        })
    }

    /// Keeps every file it receives; files come from several threads at once.
    private final class Collector: BundleSink, @unchecked Sendable {
        private let lock = NSLock()
        private(set) var files: [String: [UInt8]] = [:]

        func receive(_ path: String, _ pieces: [[UInt8]]) {
            let bytes = Array(pieces.joined())
            lock.withLock { files[path] = bytes }
        }
    }
}
