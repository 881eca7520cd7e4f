/// The tool's identity, as bundles and reports record it.
public enum ToolInfo {
    public static let name = "portcullis"
    public static let version = "0.1.0"
    /// Where reports send readers for the rules' documentation.
    public static let informationURI = "https://github.com/portcullis-dev/portcullis"
}
