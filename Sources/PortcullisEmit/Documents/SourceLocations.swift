import PortcullisDiagnostics

/// Writes `file:line:column` for values in the bundle, with paths relative to the
/// project folder so the bundle does not depend on where the build was started.
struct SourceLocations {
    /// Each file's path and a colon, as UTF-8.
    private let prefixes: [[UInt8]]

    init(paths: [String]) {
        prefixes = paths.map { Array($0.utf8) + [UInt8(ascii: ":")] }
    }

    /// Made straight into the string's storage: gateway.json holds several per route, and
    /// an interpolation cost about five times as much.
    func text(_ range: SourceRange) -> String {
        let prefix = prefixes[Int(range.file.index)]
        return String(unsafeUninitializedCapacity: prefix.count + 2 * 20 + 1) { buffer in
            var written = prefix.withUnsafeBufferPointer { buffer.baseAddress!.initialize(from: $0.baseAddress!, count: $0.count); return $0.count }
            func decimal(_ value: some BinaryInteger) {
                var digits = 0
                var rest = UInt64(value)
                repeat {
                    digits += 1
                    rest /= 10
                } while rest > 0
                rest = UInt64(value)
                for offset in stride(from: digits - 1, through: 0, by: -1) {
                    buffer[written + offset] = UInt8(ascii: "0") + UInt8(rest % 10)
                    rest /= 10
                }
                written += digits
            }
            decimal(range.start.line)
            buffer[written] = UInt8(ascii: ":")
            written += 1
            decimal(range.start.column)
            return written
        }
    }
}
