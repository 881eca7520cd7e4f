import FoundationEssentials
import PortcullisDiagnostics
import PortcullisEmit

/// What `build --check` found: whether the output folder holds exactly the bundle the
/// build would write, and where it differs.
public struct BundleCheck: Sendable, Encodable {
    public struct Entry: Sendable, Encodable {
        /// `changed`, `missing`, `not-produced` or `mode`.
        public var change: String
        public var path: String
    }

    /// The output folder as given.
    public var output: String
    /// How many files the bundle has.
    public var files: Int
    public var upToDate: Bool
    public var differences: [Entry]

    /// Rethrows ``OversizedPolicies``: such a bundle is not to be compared but refused.
    public init(_ bundle: some BundleSource, at output: OutputFolder) throws {
        let (index, found) = try BundleWriter.comparison(bundle, at: output)
        self.output = DisplayText.escaped(output.given.utf8)
        files = index.entries.count
        upToDate = found.isEmpty
        differences = found.map { Entry(change: $0.change, path: $0.path) }
        lines = found.map(\.description)
    }

    /// Each difference as the text report shows it.
    public let lines: [String]

    /// The closing line of the text report.
    public var summary: String {
        upToDate
            ? "'\(output)' is up to date (\(files) files)"
            : "'\(output)' differs from the build in \(differences.count) place\(differences.count == 1 ? "" : "s")"
    }

    private enum CodingKeys: String, CodingKey {
        case output, files, upToDate, differences
    }
}

extension BundleWriter.Difference {
    var change: String {
        switch self {
        case .changed: "changed"
        case .missing: "missing"
        case .unexpected: "not-produced"
        case .mode: "mode"
        }
    }
}

extension BundleIndex {
    /// `N files (X MB)`, as the build's last line reports what it wrote.
    public var sizeDescription: String {
        let bytes = entries.reduce(0) { $0 + $1.size }
        let tenths = (bytes + 50_000) / 100_000
        let megabytes = bytes > 0 && bytes < 100_000 ? "<0.1" : "\(tenths / 10).\(tenths % 10)"
        return "\(entries.count) file\(entries.count == 1 ? "" : "s") (\(megabytes) MB)"
    }
}
