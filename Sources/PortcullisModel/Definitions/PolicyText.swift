import PortcullisDiagnostics

/// What makes user text dangerous in the outputs: the one place that decides which text
/// APIM would run as code and which characters no output can carry. The decoder, the
/// resolver and the policy writer all ask here.
public enum PolicyText {
    /// Characters skipped before an `@(`/`@{` is looked for. APIM trims white space before it
    /// decides whether text is an expression, and which characters count has varied between
    /// .NET versions, so every Unicode white-space, control and format character counts.
    public static func isIgnorable(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x80 { return scalar.value <= 0x20 || scalar.value == 0x7F }
        if scalar.properties.isWhitespace { return true }
        switch scalar.properties.generalCategory {
        case .control, .format: return true
        default: return false
        }
    }

    /// `text` without its leading ignorable characters.
    public static func trimmed(_ text: String) -> Substring.UnicodeScalarView {
        text.unicodeScalars.drop(while: isIgnorable)
    }

    /// Whether APIM would evaluate `text` as a policy expression: `@(` or `@{` after
    /// ignorable characters.
    public static func isExpression(_ text: String) -> Bool {
        // Most text starts with a printable ASCII character, never ignorable: only `@` can
        // start an expression then, and no scalar needs decoding.
        if let first = text.utf8.first, first > 0x20, first < 0x7F, first != UInt8(ascii: "@") { return false }
        var start = trimmed(text).makeIterator()
        guard start.next() == "@", let next = start.next() else { return false }
        return next == "(" || next == "{"
    }

    /// Characters a value may not hold because some output cannot carry them: XML 1.0 has
    /// no way to write C0 controls, and DEL, C1 controls and the noncharacters U+FFFE and
    /// U+FFFF are not printable YAML. Tab and line feed are ordinary text.
    public static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A: false
        case 0x00..<0x20, 0x7F...0x9F, 0xFFFE, 0xFFFF: true
        default: false
        }
    }

    /// The first forbidden character of `text`, if any.
    public static func forbiddenCharacter(in text: String) -> Unicode.Scalar? {
        text.unicodeScalars.first(where: isForbidden)
    }
}

extension PolicyText {
    /// Why a field that takes no named values (a display name, description or summary)
    /// cannot hold `text` as it is, or nil when it can: what the decoder would reject.
    public static func problemAsPlainField(_ text: String) -> String? {
        if let character = forbiddenCharacter(in: text) {
            return "it holds the character \(DisplayText.codePoint(character.value)), which no output can carry"
        }
        if isExpression(text) { return "it starts with '@(' or '@{', which APIM would run as a policy expression" }
        if text.contains("{{") || text.contains("}}") { return "it holds '{{' or '}}', which the language reads as a named-value reference" }
        return nil
    }
}
