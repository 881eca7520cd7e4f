/// Turns a report into the text of one output format; adding a format is one new conformance.
public protocol DiagnosticReporter {
    func render(_ report: DiagnosticReport) -> String
}
