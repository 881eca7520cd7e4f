import PortcullisDiagnostics

/// Writes `file:line:column` for values in the bundle, with paths relative to the
/// project folder so the bundle does not depend on where the build was started.
struct SourceLocations {
    let paths: [String]

    func text(_ range: SourceRange) -> String {
        "\(paths[Int(range.file.index)]):\(range.start.line):\(range.start.column)"
    }
}
