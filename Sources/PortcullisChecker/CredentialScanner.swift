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
            for entry in entries { collect(entry.value, into: &found) }
        case .rejected(let written):
            collect(YAMLNode(written, range: node.range), into: &found)
        }
    }

    public static func looksLikeCredential(_ text: String) -> Bool {
        // Short values cannot hold a credential worth the name; most scalars are short.
        guard text.utf8.count >= 8 else { return false }
        var text = text
        // Native strings are contiguous UTF-8; `withUTF8` reads them without copying.
        let (hasEquals, startsLikeJWT) = text.withUTF8 { bytes -> (Bool, Bool) in
            guard bytes.count >= 8 else { return (false, false) }
            let jwt = bytes[0] == UInt8(ascii: "e") && bytes[1] == UInt8(ascii: "y") && bytes[2] == UInt8(ascii: "J")
            return (bytes.contains(UInt8(ascii: "=")), jwt)
        }
        if hasEquals {
            let lowered = text.lowercased()
            if credentialKeys.contains(where: lowered.contains) { return true }
        }
        return startsLikeJWT && isJWT(text)
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
