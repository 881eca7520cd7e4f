import PortcullisDiagnostics
import PortcullisSyntax

/// Finds literals that look like credentials anywhere in a document: connection strings
/// carrying a password or key, and JWTs. Rule SE001 reports them, and every report masks
/// them when it quotes a source line.
public enum CredentialScanner {
    /// Connection-string keys whose value is a credential, lowercased.
    static let credentialKeys = ["password=", "accountkey=", "sharedaccesskey=", "accesskey="]

    /// The ranges of credential-like scalars in `document`, in document order.
    public static func scan(_ document: YAMLDocument) -> [SourceRange] {
        var found: [SourceRange] = []
        var pending = [document.root]
        while let node = pending.popLast() {
            switch node.content {
            case .scalar(let scalar):
                if looksLikeCredential(scalar.text) { found.append(node.range) }
            case .sequence(let items):
                pending.append(contentsOf: items.reversed())
            case .mapping(let entries):
                pending.append(contentsOf: entries.reversed().map(\.value))
            }
        }
        return found
    }

    public static func looksLikeCredential(_ text: String) -> Bool {
        var hasEquals = false
        for byte in text.utf8 where byte == UInt8(ascii: "=") {
            hasEquals = true
            break
        }
        if hasEquals {
            let lowered = text.lowercased()
            if credentialKeys.contains(where: lowered.contains) { return true }
        }
        return isJWT(text)
    }

    /// `header.payload.signature`, base64url, with a JSON header and payload (`eyJ` is `{"`).
    static func isJWT(_ text: String) -> Bool {
        guard text.hasPrefix("eyJ"), text.utf8.count >= 20 else { return false }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[1].hasPrefix("eyJ") else { return false }
        return parts.allSatisfy { part in
            part.utf8.allSatisfy { byte in
                (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
                    || byte == 0x2D || byte == 0x5F
            }
        }
    }
}
