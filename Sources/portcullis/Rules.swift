import ArgumentParser
import FoundationEssentials
import PortcullisCompiler
import PortcullisChecker
import PortcullisDiagnostics
import PortcullisModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "List every rule: code, slug, default severity and summary.")

    func run() {
        FileSystem.writeText(RuleDocumentation.table(), to: STDOUT_FILENO)
    }
}

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain a rule: why it matters, how to fix it, and examples.")

    @Argument(help: "A rule code, such as LP003, or its slug, such as write-route-accepts-read-scope.")
    var code: String

    func validate() throws {
        guard RuleRegistry.description(of: code) != nil else {
            let hint = Suggestion.closest(
                to: code.uppercased(), among: RuleRegistry.codes.keys.sorted() + RuleRegistry.codes.values.map(\.slug).sorted())
            throw ValidationError("unknown rule code '\(code)'" + (hint.map { "; did you mean '\($0)'?" } ?? "; 'portcullis rules' lists them"))
        }
    }

    func run() throws {
        guard let description = RuleRegistry.description(of: code) else { throw ExitCode.validationFailure }
        FileSystem.writeText(RuleDocumentation.explanation(of: description), to: STDOUT_FILENO)
    }
}
