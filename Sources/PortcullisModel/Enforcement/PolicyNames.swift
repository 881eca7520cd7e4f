/// Names of the variables and headers generated policies use among themselves: the
/// emitters write them, and SE005 knows which of them hold a secret.
public enum PolicyNames {
    public static let token = "portcullis-token"
    public static let bearer = "portcullis-bearer"
    public static let introspection = "portcullis-introspection"
    public static let introspectionResponse = "portcullis-introspection-response"
    public static let clientId = "portcullis-client-id"
    public static let clientSecret = "portcullis-client-secret"
    public static let cacheCallerHeader = "X-Portcullis-Cache-Subject"
    /// Variables `portcullis-caller-1`, `-2`, …: the callers a token names.
    public static let callerPrefix = "portcullis-caller-"
    /// Variables `portcullis-audience-1`, …: introspection audiences that name a named
    /// value, put into a literal, where its text cannot change code as it could in C#.
    public static let audiencePrefix = "portcullis-audience-"
}
