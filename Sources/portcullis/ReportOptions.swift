import ArgumentParser
import FoundationEssentials
import PortcullisChecker
import PortcullisCompiler
import PortcullisDiagnostics
import PortcullisSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

enum ReportFormat: String, ReportFormatChoice {
    case text, json, sarif, github
    var reportFormat: ReportFormat { self }
}

/// An import reports what became what in text or JSON; the other formats would drop that
/// report, so its `--format` does not offer them.
enum ImportReportFormat: String, ReportFormatChoice {
    case text, json
    var reportFormat: ReportFormat { self == .text ? .text : .json }
}

/// The formats a command offers, each one of ``ReportFormat``.
protocol ReportFormatChoice: ExpressibleByArgument, CaseIterable {
    static var text: Self { get }
    var reportFormat: ReportFormat { get }
}

enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never
}

/// Options shared by every command that prints diagnostics; `Format` is the formats it offers.
struct ReportOptions<Format: ReportFormatChoice>: ParsableArguments {
    @Option(help: "The diagnostics format.")
    var format: Format = .text

    @Option(help: "Write the diagnostics report to this file instead of standard output.")
    var output: String?

    @Option(help: "Colour the text report.")
    var color: ColorChoice = .auto

    @Flag(help: "Leave out the summary line of the text report.")
    var quiet = false

    @Flag(help: "Treat warnings as errors.")
    var warningsAsErrors = false

    @Option(help: "The configuration file (default: portcullis.yaml in the deepest folder holding every path).")
    var config: String?

    @Option(help: "The date suppression expiry is judged against, as YYYY-MM-DD (default: today in UTC).")
    var today: String?

    @Flag(help: "List, on standard error, the YAML files skipped because they are not Portcullis's.")
    var listSkipped = false

    func validate() throws {
        if let today, CalendarDay(today) == nil {
            throw ValidationError("'--today' takes a date as YYYY-MM-DD, not '\(today)'")
        }
    }

    @OptionGroup var limits: LimitOptions

    /// The configuration and the inputs under `paths`; lists skipped files when asked.
    func workspace(_ paths: [String]) throws -> Workspace {
        let workspace = try Workspace.load(paths: paths, configPath: config, limits: limits.limits)
        if listSkipped {
            let lines = workspace.skipped.map { "portcullis: skipped '\($0)': not a Portcullis file\n" }.joined()
            FileSystem.writeText(lines, to: STDERR_FILENO)
        }
        return workspace
    }

    /// The options of a run that checks `environments`.
    func lintOptions(_ environments: EnvironmentChoice = .base) -> LintOptions {
        var options = LintOptions(limits: limits.limits, warningsAsErrors: warningsAsErrors)
        if let today, let day = CalendarDay(today) { options.today = day }
        options.environments = environments
        return options
    }

    private var useColor: Bool {
        switch color {
        case .always: return true
        case .never: return false
        case .auto:
            let environment = ProcessInfo.processInfo.environment
            // no-color.org: NO_COLOR counts only when it is set to something.
            return output == nil && isatty(STDOUT_FILENO) != 0 && (environment["NO_COLOR"] ?? "").isEmpty
                && environment["TERM"] != "dumb"
        }
    }

    private func reporter(section: (name: String, value: any Encodable & Sendable)?) -> any DiagnosticReporter {
        switch format.reportFormat {
        case .text: TextReporter(colored: useColor, quiet: quiet)
        case .json: JSONReporter(section: section)
        case .sarif:
            SARIFReporter(rules: RuleRegistry.sarifRules, toolVersion: ToolInfo.version, informationURI: ToolInfo.informationURI)
        case .github: GitHubReporter()
        }
    }

    /// Refuses an `--output` that would replace a file the run read (`reads`) or one inside
    /// a folder it read (`folders`); a command that writes more than the report asks before
    /// it writes anything.
    func refuseOutput(replacing reads: [String], inside folders: [String] = []) throws {
        if let output { try ReportDestination.refuse(output, overwritingAnyOf: reads, orInside: folders) }
    }

    /// Prints or writes the report; `section` is a further member of a JSON report. `reads`
    /// and `folders` are what the run read (see ``refuseOutput(replacing:inside:)``).
    func emit(
        _ report: DiagnosticReport, section: (name: String, value: any Encodable & Sendable)? = nil, reads: [String],
        inside folders: [String] = []
    ) throws {
        try refuseOutput(replacing: reads, inside: folders)
        let text = reporter(section: section).render(report.keepingFirst(limits.maxFindings))
        guard let output else {
            FileSystem.writeText(text, to: STDOUT_FILENO)
            return
        }
        try ReportDestination.write(text, to: output)
    }
}

/// `--env`, for the commands that read one environment of the definitions.
struct EnvironmentOption: ParsableArguments {
    @Option(
        name: .customLong("env"),
        help: ArgumentHelp(
            "Apply this environment's overrides (a 'kind: Environment' document).",
            discussion: "Without it, lint checks the definitions as written and every environment; build uses the definitions as written.",
            valueName: "name"))
    var name: String?

    /// What a run checks: the named environment, else `unselected`.
    func choice(unselected: EnvironmentChoice) -> EnvironmentChoice { name.map { .named($0) } ?? unselected }
}

/// `--env` where it cannot apply: an import lints what it writes in every environment that
/// has. Hidden from help, and parsed only to say why it is refused.
struct RefusedEnvironmentOption: ParsableArguments {
    @Option(name: .customLong("env"), help: .private)
    var name: String?

    func validate() throws {
        if name != nil { throw ValidationError("import lints the project it writes in every environment it has; '--env' does not apply") }
    }
}

/// Turns driver failures into exit code 2 with a message on standard error.
func runDriver(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as DriverError {
        FileSystem.writeText("portcullis: error: \(error)\n", to: STDERR_FILENO)
        throw ExitCode(2)
    } catch where !(error is ExitCode || error is ValidationError || error is CleanExit) {
        FileSystem.writeText("portcullis: error: \(DisplayText.shown(unexpected(error)))\n", to: STDERR_FILENO)
        throw ExitCode(2)
    }
}

/// An error no stage turned into a `DriverError`, such as Foundation's when the temporary
/// folder cannot be made: its path and the system's reason, rather than its dump of
/// user info. The caller escapes it, as the path may be anything.
private func unexpected(_ error: any Error) -> String {
    guard let path = (error as? CocoaError)?.filePath else { return String(describing: error) }
    return "the file system failed at '\(path)': " + DriverError.reason(of: error)
}

/// Ends the process once all output is written, without first freeing the compiled model:
/// on a large estate, releasing every node costs as much as a tenth of the run, and the
/// operating system reclaims the memory anyway.
func exitWithoutTeardown(_ code: Int32, keeping model: some Any) -> Never {
    withExtendedLifetime(model) { exit(code) }
}

/// Whether the lint of a project an import wrote finds credentials written out (SE001),
/// said on standard error unless `quiet`. They were the estate's, in its tree, but the
/// import spread them into new definitions files the team will commit: an error to
/// resolve, as a named value holding one is, though the project is written all the same
/// (found by an audit: an API's `serviceUrl` with `?code=` and a policy's key were copied
/// and the import exited 0).
func reportsCredentialsWrittenOut(_ report: DiagnosticReport, quiet: Bool) -> Bool {
    let count = report.active.filter { $0.code == InlineSecret.code }.count
    guard count > 0 else { return false }
    if !quiet {
        FileSystem.writeText(
            "portcullis: the imported project holds \(count) \(count == 1 ? "credential" : "credentials") written out (SE001 above); put each in a Key Vault secret before committing it\n",
            to: STDERR_FILENO)
    }
    return true
}
