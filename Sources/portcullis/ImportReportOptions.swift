import ArgumentParser
import Foundation
import PortcullisDiagnostics

/// How an import reports: what it did, then what lint finds in the result, as text or as
/// one JSON document; and the input limits it reads under.
struct ImportReportOptions: ParsableArguments {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Option(help: "The report format.")
    var format: Format = .text

    @Option(help: "Colour the findings of the text report.")
    var color: ColorChoice = .auto

    @OptionGroup var limits: LimitOptions

    /// Prints the import's own lines (text) or member `import` (JSON), when something was
    /// imported, and the findings of `report`.
    func emit(_ report: DiagnosticReport, imported: (lines: [String], section: any Encodable & Sendable)?) {
        let text: String
        switch format {
        case .text:
            let findings = TextReporter(colored: color.isOn(writingToFile: false), quiet: false).render(report)
            text = (imported.map { $0.lines.map { $0 + "\n" }.joined() + "lint of the imported project:\n" } ?? "") + findings
        case .json:
            text = JSONReporter(section: imported.map { ("import", $0.section) }).render(report)
        }
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
