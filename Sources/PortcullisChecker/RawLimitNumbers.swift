import PortcullisDiagnostics
import PortcullisPolicyXML

/// The numbers an attribute of a raw limit may be, in the order of the values its
/// expression may give (nil for one it computes), and how its expression is shaped: read
/// once for the rules that judge a raw limit's numbers, RL003 its budget, RL002 its window.
struct WrittenNumbers {
    var numbers: [Int?]
    /// The number as written, for messages.
    var text: String
    /// The expression's code with each number written out as `#`: two choices shaped
    /// alike (`@(gold ? 1000 : 10)`, `@(gold ? 60 : 1)`) choose together.
    var shape: [UInt8]
    var range: SourceRange
    var notes: [Diagnostic.Note]
}

extension RawScope {
    /// The numbers `attribute` of `limit` may be, named values put in: its text's, or each
    /// one written out that an expression may give (``ExpressionFlow/possibleValues(of:)``).
    /// Nil when none is known.
    func writtenNumbers(_ attribute: String, of limit: PolicyXMLElement, _ values: KnownNamedValues) -> WrittenNumbers? {
        if let written = resolved(attribute, of: limit, values) {
            guard let number = AttributeValue.wholeNumber(written.text) else { return nil }
            return WrittenNumbers(numbers: [number], text: written.text.trimmingWhitespace, shape: [], range: written.range, notes: written.notes)
        }
        guard let written = limit.attribute(attribute), written.value.isExpression, let code = values.resolved(written.value.resolved) else { return nil }
        let numbers = ExpressionFlow.possibleValues(of: code).map { value in
            // `@(100)`, `@((100))`, `@(60 * 60)`: numbers written out alone, or computed.
            value.code.trimmingWhitespace.hasPrefix("@") ? ExpressionExtent.integerValue(of: value.code) : nil
        }
        guard let first = numbers.first(where: { $0 != nil }) ?? nil else { return nil }
        let text = numbers.count == 1 ? String(first) : written.value.written
        return WrittenNumbers(
            numbers: numbers, text: text, shape: Self.shape(of: code), range: document.range(written.valueSpan), notes: values.notes(for: written.value.written))
    }

    /// Why the number `attribute` of `limit` holds is not known here, with where it is
    /// written: the policy computes it as each request runs (an expression that is not a
    /// choice among numbers written out, or a named value whose value is one), or a named
    /// value gives it whose value is not known here (a secret's). Nil where it is left out
    /// or written out (``writtenNumbers(_:of:_:)`` reads it).
    func unknownNumber(
        _ attribute: String, of limit: PolicyXMLElement, _ values: KnownNamedValues
    ) -> (reason: String, range: SourceRange, notes: [Diagnostic.Note])? {
        guard let written = limit.attribute(attribute) else { return nil }
        let place = (range: document.range(written.valueSpan), notes: values.notes(for: written.value.written))
        guard let text = values.resolved(written.value.written) else { return ("is given by a named value whose value is not known here", place.range, place.notes) }
        guard written.value.isExpression || text.trimmingWhitespace.hasPrefix("@"),
            writtenNumbers(attribute, of: limit, values)?.numbers.allSatisfy({ $0 != nil }) != true
        else { return nil }
        return ("is computed as each request runs", place.range, place.notes)
    }


    /// `code` without white space, each number that a branch of a choice gives (written
    /// right after its `?` or `:`, a whole number alone up to the branch's end) as `#`;
    /// numbers in the tests, written strings and computed branches (`60 * 60`) stay as
    /// they are, so two choices shaped alike test the same.
    private static func shape(of code: String) -> [UInt8] {
        let text = Array(code.utf8.filter { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D })
        var shape: [UInt8] = []
        var index = 0
        var quoted = false
        while index < text.count {
            let byte = text[index]
            if byte == UInt8(ascii: "\""), index == 0 || text[index - 1] != UInt8(ascii: "\\") { quoted.toggle() }
            if !quoted, byte == UInt8(ascii: "?") || byte == UInt8(ascii: ":"), index + 1 < text.count, text[index + 1] >= 0x30, text[index + 1] <= 0x39 {
                var end = index + 1
                while end < text.count, text[end] != UInt8(ascii: ":"), text[end] != UInt8(ascii: ")"), text[end] != UInt8(ascii: "?") { end += 1 }
                if end == text.count || text[end] != UInt8(ascii: "?"),
                    ExpressionExtent.integerLiteral(String(decoding: text[(index + 1)..<end], as: UTF8.self)) != nil
                {
                    shape += [byte, UInt8(ascii: "#")]
                    index = end
                    continue
                }
            }
            shape.append(byte)
            index += 1
        }
        return shape
    }
}
