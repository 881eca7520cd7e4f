import PortcullisChecker
import PortcullisDiagnostics
import PortcullisSyntax

extension YAMLReader {
    /// A side file read whole under the run's limits (an OpenAPI document, a publisher
    /// configuration), with the credential-like text of what was read, so that reports
    /// mask it as they mask the definitions'. `complete` is false when reading stopped.
    func readSideFile(_ file: SourceFile, diagnostics: inout DiagnosticCollector)
        -> (roots: [YAMLNode], credentials: [SourceRange], complete: Bool)
    {
        guard preflight(file.bytes, size: file.size, diagnostics: &diagnostics) else { return ([], [], false) }
        var roots: [YAMLNode] = []
        var credentials: [SourceRange] = []
        let outcome = read(
            YAMLChunk(bytes: 0..<file.bytes.count, firstLine: 1), of: file.bytes, diagnostics: &diagnostics,
            picking: SecretLiterals.picker
        ) {
            roots.append($0.root)
            credentials += SecretLiterals.credentials(in: $0)
        }
        return (roots, credentials, outcome.complete)
    }
}
