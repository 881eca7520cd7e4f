import PortcullisDiagnostics
import PortcullisSupport

/// What APIM reads an attribute's value as. APIM refuses a policy whose literal is not
/// what the attribute takes, or whose attribute holds an expression where it takes none.
public struct AttributeValue: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// Any text.
        case text
        /// A whole number within the range.
        case wholeNumber(ClosedRange<Int>)
        /// `true` or `false` (`1` and `0` too, as XML Schema reads a boolean).
        case boolean
        /// One of these words.
        case oneOf([String])
    }

    public let kind: Kind
    /// Whether a policy expression may give the value instead, which APIM evaluates as each
    /// request runs.
    public let takesExpressions: Bool

    public init(kind: Kind, takesExpressions: Bool) {
        self.kind = kind
        self.takesExpressions = takesExpressions
    }

    /// Text, or an expression that gives it: most attributes.
    public static let text = AttributeValue(kind: .text, takesExpressions: true)
    /// A whole number of 32 bits, or an expression that gives one.
    public static let number = AttributeValue.number(Int(Int32.min)...Int(Int32.max))
    /// A whole number of 64 bits, or an expression that gives one.
    public static let largeNumber = AttributeValue.number(Int.min...Int.max)
    /// `true` or `false`, or an expression that gives one.
    public static let boolean = AttributeValue(kind: .boolean, takesExpressions: true)

    /// One of `words`, or an expression that gives one.
    public static func oneOf(_ words: [String]) -> AttributeValue { AttributeValue(kind: .oneOf(words), takesExpressions: true) }
    /// A whole number within `range`, or an expression that gives one.
    public static func number(_ range: ClosedRange<Int>) -> AttributeValue { AttributeValue(kind: .wholeNumber(range), takesExpressions: true) }

    /// The same value, written out only: APIM takes no expression there.
    public var literalOnly: AttributeValue { AttributeValue(kind: kind, takesExpressions: false) }

    /// Why APIM does not read `literal` as such a value, as the end of a sentence ("is not a
    /// whole number"); nil when it does. White space around it is dropped, as XML Schema
    /// drops it around numbers and booleans; case is not told apart, so that a spelling APIM
    /// may take is never refused here.
    public func refusal(of literal: String) -> String? {
        // Most literals are written exactly as the attribute takes them: told first, without
        // making a trimmed copy (the raw estate's thousands of `exists-action="override"`).
        switch kind {
        case .text: return nil
        case .wholeNumber(let range): if let number = Int(literal), range.contains(number) { return nil }
        case .boolean: if literal == "true" || literal == "false" { return nil }
        case .oneOf(let words): if words.contains(literal) { return nil }
        }
        let text = Self.trimmingXMLSpace(literal)
        switch kind {
        case .text:
            return nil
        case .wholeNumber(let range):
            guard let number = Self.wholeNumber(literal) else { return "is not \(expected)" }
            if number < range.lowerBound { return "is less than \(range.lowerBound), the least APIM takes" }
            if number > range.upperBound { return "is more than \(range.upperBound), the most APIM takes" }
            return nil
        case .boolean:
            return ["true", "false", "1", "0"].contains(text.lowercased()) ? nil : "is not \(expected)"
        case .oneOf(let words):
            let lowered = text.lowercased()
            return words.contains { $0.lowercased() == lowered } ? nil : "is not \(expected)"
        }
    }

    /// The whole number APIM reads in an attribute's literal: XML's white space around it
    /// dropped, one sign at most, then digits; one of more digits than `Int` holds is as
    /// large (or as small) as it gets, beyond every range. Nil for any other text. The one
    /// reader of PX005 and of the rules that judge a raw limit's numbers.
    public static func wholeNumber(_ literal: String) -> Int? {
        if let number = Int(literal) { return number }
        let text = trimmingXMLSpace(literal)
        let digits = text.utf8.first == UInt8(ascii: "-") || text.utf8.first == UInt8(ascii: "+") ? text.utf8.dropFirst() : text.utf8[...]
        guard !digits.isEmpty, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        return Int(text) ?? (text.hasPrefix("-") ? Int.min : Int.max)
    }

    /// `text` without XML's white space (space, tab, line breaks) at either end, which XML
    /// Schema drops around a number or a boolean; other spaces (`&#xA0;`) are the value's.
    /// The boolean APIM reads in an attribute's literal, as XML Schema reads one (`true`,
    /// `false`, `1`, `0`, white space around it dropped; case not told apart, as in
    /// ``refusal(of:)``); nil for any other text.
    public static func boolean(_ literal: String) -> Bool? {
        switch trimmingXMLSpace(literal).lowercased() {
        case "true", "1": true
        case "false", "0": false
        default: nil
        }
    }

    private static func trimmingXMLSpace(_ text: String) -> Substring {
        func isSpace(_ character: Character) -> Bool { [" ", "\t", "\n", "\r", "\r\n"].contains(character) }
        var trimmed = text[...]
        while let first = trimmed.first, isSpace(first) { trimmed = trimmed.dropFirst() }
        while let last = trimmed.last, isSpace(last) { trimmed = trimmed.dropLast() }
        return trimmed
    }

    /// What the value must be, for messages: "a whole number", "'true' or 'false'".
    public var expected: String {
        switch kind {
        case .text:
            return "text"
        case .wholeNumber(let range) where range.lowerBound >= 0:
            return "a whole number of \(range.lowerBound) or more"
        case .wholeNumber:
            return "a whole number"
        case .boolean:
            return "'true' or 'false'"
        case .oneOf(let words):
            return DisplayText.list(words.map { "'\($0)'" }, joinedBy: "or")
        }
    }
}
