import PortcullisDiagnostics
import PortcullisSyntax

extension DocumentDecoder {
    /// `policy:` holds the XML itself (text that starts with `<`) or the relative path of an
    /// `.xml` file among the inputs. The XML is read later, by the compiler, which has the files.
    mutating func rawPolicy(_ entry: YAMLEntry) -> RawPolicy? {
        guard case .scalar(let scalar) = entry.value.content, !entry.value.isNull else {
            context.mismatch(entry.value, expected: "a string", field: entry.key)
            return nil
        }
        let written = Located(scalar.text, at: entry.value.range)
        if scalar.text.drop(while: \.isWhitespace).first == "<" { return RawPolicy(written: written, source: .inline) }
        let path = scalar.text
        guard Grammar.isRelativeFilePath(path, endingIn: [".xml"]) else {
            context.diagnostics.report(
                .invalidValue, "'policy' must be XML or the relative path of an '.xml' file\(MessageText.shown(path))",
                at: entry.value.range,
                notes: [
                    Diagnostic.Note(
                        "write the statements inline as '<policies>…</policies>', or name a file beside this one, such as 'policies/orders.xml'",
                        at: entry.value.range)
                ])
            return nil
        }
        return RawPolicy(written: written, source: .file)
    }

    mutating func decodePolicyFragment(_ root: YAMLNode, kindRange: SourceRange) {
        guard let fields = context.fields(root, PolicyFragmentField.self, named: "PolicyFragment", introducedAt: kindRange) else {
            return
        }
        let name = context.require(fields, .name).flatMap { context.string($0) }.flatMap {
            context.validated(
                $0, by: Grammar.isResourceName, as: "fragment name", field: "name",
                rule: "a fragment name is what 'include-fragment' names: letters, digits, '-' and '_', starting with a letter or digit, at most 80 characters")
        }
        let policy = context.require(fields, .policy).flatMap { rawPolicy($0) }
        guard let name, let policy else { return }
        definitions.fragments.append(
            PolicyFragment(
                name: name, description: fields[.description].flatMap { context.string($0, atMost: 1000) }, policy: policy, kindRange: kindRange))
    }
}
