import PortcullisSupport

/// How messages about the input quote what the user wrote: briefly, and never a secret.
enum MessageText {
    /// A user-written key or field name in quotes, shortened when very long.
    static func quoted(_ text: String) -> String {
        text.unicodeScalars.count > 64 ? "'\(String(text.unicodeScalars.prefix(61)))...'" : "'\(text)'"
    }

    /// ` 'value'` for quoting a rejected value, or nothing when it is long, in a secret
    /// position or could be a credential: a message must never echo a secret.
    static func shown(_ text: String, secret: Bool = false) -> String {
        guard !secret, text.unicodeScalars.count <= 40, !text.contains("\n"), !CredentialScanner.looksLikeCredential(text)
        else { return "" }
        return " '\(text)'"
    }
}
