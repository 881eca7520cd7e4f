import ArgumentParser
import CPortcullisProcess
import FoundationEssentials
import PortcullisCompiler
import PortcullisDiagnostics
import PortcullisSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Every command names itself (`commandName`): a name ArgumentParser derives from the type
/// goes through `String(describing:)`, whose run-time conformance lookups in the statically
/// linked binary were a sixth of a small project's lint.
@main
struct Portcullis: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "portcullis",
        abstract: "Compile and check Azure API Management policies written as declarative YAML.",
        version: "\(ToolInfo.name) \(ToolInfo.version)",
        subcommands: [Lint.self, Build.self, Diff.self, Rules.self, Explain.self, Init.self, Import.self]
    )

    /// ArgumentParser reads `-oh` as `-o -h` and `-help` as `-h -e -l -p`, and answers an
    /// `-h` among them with help and exit 0 before it notices the unknown letters, so
    /// `build -oh --out x` would build nothing and succeed. Every option here is long and
    /// `-h` stands alone, so such a word is refused before parsing (up to a `--`); other
    /// unknown words get ArgumentParser's own message.
    static func main() {
        // Before any thread starts, so that every heap is made with the setting.
        _ = portcullis_allocate_ahead()
        // A reader that goes (`| head -1`) ends the writing, not the run: killed by SIGPIPE,
        // `diff --git-base` left its copy of the base behind (found by an audit). Children
        // get the default back (``ChildProcess``).
        signal(SIGPIPE, SIG_IGN)
        let arguments = Array(CommandLine.arguments.dropFirst())
        // A bare `portcullis` is a usage error: help, and the usage exit code.
        if arguments.isEmpty {
            FileSystem.writeText(helpMessage() + "\n", to: STDERR_FILENO)
            exit(withError: ExitCode.validationFailure)
        }
        // Every value on the command line is echoed by some message, ArgumentParser's among
        // them, and none of them is meant to hold a control character: one that does is
        // refused, shown escaped, before anything can echo it raw.
        if let held = arguments.first(where: { $0.unicodeScalars.contains(where: DisplayText.isControl) }) {
            exit(withError: ValidationError("argument '\(DisplayText.escaped(held.utf8))' holds control characters, which no option, value or path takes"))
        }
        let options = arguments.prefix { $0 != "--" }
        if let joined = options.first(where: { $0.hasPrefix("-") && !$0.hasPrefix("--") && $0.count > 2 && $0.contains("h") }) {
            exit(withError: ValidationError("unknown option '\(joined)'; options are spelled with two dashes, and '-h' stands alone"))
        }
        main(arguments)
    }
}
