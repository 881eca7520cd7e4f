import Foundation
import XCTest

@testable import PortcullisEmit

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Compiles every policy expression that bundles hold with a real C# compiler (mono's
/// `mcs`) against stubs of APIM's expression context (`Support/ApimExpressionContext.cs`),
/// and runs chosen ones against in-memory contexts (`Support/ApimExpressionMocks.cs`).
///
/// Expressions are read back from the policy files the built `portcullis` writes, so the
/// harness checks whatever the emitter produces today, with no copies of its code.
enum ExpressionHarness {
    static let support = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Support")

    /// The namespaces APIM lets expressions use without qualification.
    static let usings = [
        "System", "System.Collections.Generic", "System.Linq", "System.Net", "System.Security.Cryptography", "System.Text",
        "System.Text.RegularExpressions", "System.Xml.Linq", "Newtonsoft.Json", "Newtonsoft.Json.Linq", "Apim.Expressions",
    ]

    // MARK: Tools

    struct Toolchain: Sendable {
        var mcs: URL
        var mono: URL
        var newtonsoftJson: URL

        /// Skips, naming what is missing, when mono or Newtonsoft.Json is not installed.
        static func find() throws -> Toolchain {
            guard let mcs = onPath("mcs"), let mono = onPath("mono") else {
                throw XCTSkip("mcs or mono is not installed; scripts/bootstrap installs mono-mcs and mono-runtime")
            }
            guard let json = newtonsoftLocation() else {
                throw XCTSkip("Newtonsoft.Json.dll was not found; scripts/bootstrap installs libnewtonsoft-json-cil-dev")
            }
            return Toolchain(mcs: mcs, mono: mono, newtonsoftJson: json)
        }

        static func onPath(_ name: String) -> URL? {
            let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
            return path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent(name) }
                .first { FileManager.default.isExecutableFile(atPath: $0.path) }
        }

        /// Debian's package says where it put the assembly in its pkg-config file
        /// (`Libs: -r:PATH`); the known install folders are the fallback.
        static func newtonsoftLocation() -> URL? {
            var candidates: [String] = []
            if let pkgConfig = onPath("pkg-config"),
                let output = try? run(pkgConfig, ["--libs", "newtonsoft-json"]), output.status == 0
            {
                candidates += output.text.split(whereSeparator: \.isWhitespace).filter { $0.hasPrefix("-r:") }.map { String($0.dropFirst(3)) }
            }
            candidates += ["/usr/lib/cli/Newtonsoft.Json-5.0/Newtonsoft.Json.dll", "/usr/lib/mono/4.5/Newtonsoft.Json.dll"]
            let gac = "/usr/lib/mono/gac/Newtonsoft.Json"
            for version in (try? FileManager.default.contentsOfDirectory(atPath: gac))?.sorted() ?? [] {
                candidates.append("\(gac)/\(version)/Newtonsoft.Json.dll")
            }
            return candidates.first { FileManager.default.fileExists(atPath: $0) }.map { URL(fileURLWithPath: $0) }
        }
    }

    struct Output: Sendable {
        var status: Int32
        var text: String
    }

    /// Runs a tool with its standard output and error together, as a person would read them.
    static func run(_ executable: URL, _ arguments: [String]) throws -> Output {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, text: String(decoding: data, as: UTF8.self))
    }

    // MARK: Harvesting

    /// One expression where a policy file holds it.
    struct Expression: Sendable {
        /// The expression as APIM reads it, `@(...)` or `@{...}`.
        var code: String
        /// `PROJECT/apim/.../policy.xml`.
        var file: String
        var line: Int
        /// The element path below `<policies>`, with `[name]` for named elements, `[status]`
        /// for a `<when>` that returns a response, and `@attribute` for attribute values.
        var place: String

        var location: String { "\(file):\(line) \(place)" }
    }

    /// Builds `project` with the built executable and reads every expression from every
    /// policy document of the bundle, made well-formed XML as the XSD test makes it.
    static func harvest(project: URL, label: String, scratch: URL) throws -> [Expression] {
        let out = scratch.appendingPathComponent("bundle-\(label)")
        let result = try ToolProcess.run(["build", project.path, "--out", out.path])
        guard result.status == 0 else {
            throw HarnessError("building \(project.path) failed (\(result.status)):\n\(result.stderr)\(result.stdout)")
        }
        var expressions: [Expression] = []
        let files = (FileManager.default.enumerator(atPath: out.path)?.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix("policy.xml") }.sorted()
        guard !files.isEmpty else { throw HarnessError("the bundle of \(project.path) has no policy.xml") }
        for path in files {
            let rawxml = try String(contentsOf: out.appendingPathComponent(path), encoding: .utf8)
            let data = Data(BundleTests.wellFormed(rawxml: rawxml).utf8)
            let root = try PolicyTree.parse(data, name: path)
            expressions += expressionsBelow(root, path: [], file: "\(label)/\(path)")
        }
        return expressions
    }

    private static func expressionsBelow(_ node: PolicyTree.Node, path: [String], file: String) -> [Expression] {
        var label = node.name
        if let name = node.attributes.first(where: { $0.0 == "name" })?.1 { label += "[\(name)]" }
        if node.name == "when", let status = node.firstDescendant(named: "set-status")?.attributes.first(where: { $0.0 == "code" })?.1 {
            label += "[\(status)]"
        }
        let here = node.name == "policies" ? path : path + [label]
        var found: [Expression] = []
        func take(_ value: String, place: String) {
            let code = value.trimmingCharacters(in: .whitespacesAndNewlines)
            if code.hasPrefix("@(") || code.hasPrefix("@{") {
                found.append(Expression(code: code, file: file, line: node.line, place: place))
            }
        }
        for (name, value) in node.attributes { take(value, place: here.joined(separator: "/") + "@" + name) }
        take(node.text, place: here.joined(separator: "/"))
        for child in node.children { found += expressionsBelow(child, path: here, file: file) }
        return found
    }

    // MARK: Compiling

    /// Each distinct expression once, with every place it occurs, in first-seen order.
    struct Distinct: Sendable {
        var code: String
        var places: [Expression]
        var first: Expression { places[0] }
    }

    static func distinct(_ expressions: [Expression]) -> [Distinct] {
        var order: [String] = []
        var places: [String: [Expression]] = [:]
        for expression in expressions {
            if places[expression.code] == nil { order.append(expression.code) }
            places[expression.code, default: []].append(expression)
        }
        return order.map { Distinct(code: $0, places: places[$0]!) }
    }

    /// The C# type APIM requires of an expression in this place: conditions are tests,
    /// durations are seconds, keys and header or body texts are strings.
    static func resultType(_ place: String) -> String {
        if place.hasSuffix("@condition") { return "bool" }
        if place.hasSuffix("@duration") { return "int" }
        if place.hasSuffix("@key") || place.hasSuffix("@counter-key") || !place.contains("@") { return "string" }
        return "object"
    }

    /// One method per expression, `E0`, `E1`, ...: `@(x)` becomes an expression-bodied
    /// method returning `(x)`, `@{ ... }` a method with that body.
    struct Source {
        var text: String
        /// The generated lines (1-based, inclusive) of each expression's method.
        var lines: [ClosedRange<Int>]
    }

    static func source(_ expressions: [Distinct]) -> Source {
        var lines = ["// Generated by PolicyExpressionTests from the policies of freshly built bundles."]
        lines += usings.map { "using \($0);" }
        lines += ["", "public static class Harvested", "{"]
        var ranges: [ClosedRange<Int>] = []
        for (index, expression) in expressions.enumerated() {
            lines.append("    // \(expression.first.location)")
            let start = lines.count + 1
            let signature = "    public static \(resultType(expression.first.place)) E\(index)(IProxyRequestContext context)"
            let body = String(expression.code.dropFirst())
            let method = expression.code.hasPrefix("@(") ? "\(signature) => \(body);" : "\(signature)\n    \(body)"
            lines += method.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            ranges.append(start...lines.count)
        }
        lines.append("}")
        return Source(text: lines.joined(separator: "\n") + "\n", lines: ranges)
    }

    /// What the compiler said about one expression, or about something else.
    struct CompileError: Sendable, CustomStringConvertible {
        var messages: [String]
        var expression: Distinct?

        var description: String {
            let text = messages.joined(separator: "\n  ")
            guard let expression else { return text }
            let more = expression.places.count > 1 ? " (and \(expression.places.count - 1) more places)" : ""
            return "\(text)\n    at \(expression.first.location)\(more)\n    \(expression.code)"
        }
    }

    /// Compiles the stubs, the expressions and `extra` files in one `mcs` run; an empty
    /// result means it compiled.
    static func compile(
        _ expressions: [Distinct], extra: [URL] = [], executable: URL? = nil, in scratch: URL, tools: Toolchain
    ) throws -> [CompileError] {
        let generated = source(expressions)
        let file = scratch.appendingPathComponent("Harvested.cs")
        try generated.text.write(to: file, atomically: true, encoding: .utf8)
        let target = executable.map { ["-target:exe", "-out:\($0.path)"] } ?? ["-target:library", "-out:\(scratch.appendingPathComponent("Harvested.dll").path)"]
        let arguments =
            target + [
                "-nologo", "-r:System.Core", "-r:System.Xml.Linq", "-r:\(tools.newtonsoftJson.path)",
                support.appendingPathComponent("ApimExpressionContext.cs").path, file.path,
            ] + extra.map(\.path)
        let output = try run(tools.mcs, arguments)
        if output.status == 0 { return [] }
        var general: [String] = []
        var byExpression: [Int: [String]] = [:]
        for line in output.text.split(separator: "\n").map(String.init) where line.contains(": error ") {
            // mcs writes `FILE(LINE,COLUMN): error CSNNNN: message`.
            if line.hasPrefix(file.path + "("), let comma = line.firstIndex(of: ","),
                let number = Int(line[line.index(line.startIndex, offsetBy: file.path.count + 1)..<comma]),
                let index = generated.lines.firstIndex(where: { $0.contains(number) })
            {
                let message = String(line[line.range(of: ": error ")!.upperBound...])
                if !(byExpression[index]?.contains(message) ?? false) { byExpression[index, default: []].append(message) }
            } else {
                general.append(line)
            }
        }
        if general.isEmpty && byExpression.isEmpty { general = ["mcs failed (\(output.status)):\n\(output.text)"] }
        return (general.isEmpty ? [] : [CompileError(messages: general)])
            + byExpression.keys.sorted().map { CompileError(messages: byExpression[$0]!, expression: expressions[$0]) }
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A policy document as a tree, with the line each element starts on.
enum PolicyTree {
    final class Node {
        let name: String
        let attributes: [(String, String)]
        let line: Int
        var children: [Node] = []
        var text = ""

        init(name: String, attributes: [(String, String)], line: Int) {
            self.name = name
            self.attributes = attributes
            self.line = line
        }

        func firstDescendant(named name: String) -> Node? {
            for child in children {
                if child.name == name { return child }
                if let found = child.firstDescendant(named: name) { return found }
            }
            return nil
        }
    }

    static func parse(_ data: Data, name: String) throws -> Node {
        let reader = Reader()
        let parser = XMLParser(data: data)
        parser.delegate = reader
        guard parser.parse(), let root = reader.root else {
            throw HarnessError("\(name) is not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "no root element")")
        }
        return root
    }

    private final class Reader: NSObject, XMLParserDelegate {
        var root: Node?
        var stack: [Node] = []

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            let node = Node(name: elementName, attributes: attributes.sorted { $0.key < $1.key }, line: parser.lineNumber)
            if let parent = stack.last { parent.children.append(node) } else { root = node }
            stack.append(node)
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            stack.last?.text += string
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            stack.removeLast()
        }
    }
}
