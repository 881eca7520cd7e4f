import PortcullisDiagnostics
import PortcullisSupport
import PortcullisSyntax

/// Rule SE001 reports the scalars ``CredentialScanner`` flags, and every report masks them
/// when it quotes a source line.
extension CredentialScanner {
    /// The ranges of credential-like keys and scalars in `document`, in document order,
    /// and of scalars that a key calls a credential (`db-password: ...`).
    public static func scan(_ document: YAMLDocument) -> [SourceRange] {
        var found: [SourceRange] = []
        collect(document.root, into: &found)
        return found
    }

    /// Recursion is bounded: the reader limits nesting, aliases included.
    private static func collect(_ node: YAMLNode, into found: inout [SourceRange]) {
        switch node.content {
        case .scalar(let scalar):
            if looksLikeCredential(scalar.text) { found.append(node.range) }
        case .sequence(let items):
            for item in items { collect(item, into: &found) }
        case .mapping(let entries):
            for entry in entries {
                if looksLikeCredential(entry.key) { found.append(entry.keyRange) }
                if let scalar = entry.value.scalar, !entry.value.isNull, isCredential(scalar.text, under: entry.key) {
                    found.append(entry.value.range)
                } else {
                    collect(entry.value, into: &found)
                }
            }
        case .rejected(let written):
            collect(YAMLNode(written, range: node.range), into: &found)
        }
    }
}
