// In-memory contexts for running generated policy expressions under mono
// (PolicyExpressionTests). Each mock holds only what a test sets; reading anything else
// throws NotSupportedException naming the member, so a new expression that reads more of
// the context shows up as such in the test output rather than as a wrong value.
using System;
using System.Collections.Generic;
using System.Security.Cryptography.X509Certificates;
using Newtonsoft.Json.Linq;

namespace Apim.Expressions.Mocks
{
    static class Missing
    {
        public static Exception Member(string name) { return new NotSupportedException(name + " is not mocked"); }
    }

    public sealed class MockBody : IMessageBody
    {
        readonly string text;
        public MockBody(string text) { this.text = text; }

        public T As<T>(bool preserveContent = false)
        {
            if (typeof(T) == typeof(string)) return (T)(object)text;
            if (typeof(T) == typeof(JObject)) return (T)(object)JObject.Parse(text);
            if (typeof(T) == typeof(JArray)) return (T)(object)JArray.Parse(text);
            if (typeof(T) == typeof(JToken)) return (T)(object)JToken.Parse(text);
            throw Missing.Member("IMessageBody.As<" + typeof(T).Name + ">");
        }

        public IDictionary<string, IList<string>> AsFormUrlEncodedContent(bool preserveContent = false)
        {
            throw Missing.Member("IMessageBody.AsFormUrlEncodedContent");
        }
    }

    public sealed class MockResponse : IResponse
    {
        public MockResponse(int statusCode, string body) { StatusCode = statusCode; Body = new MockBody(body); }
        public IMessageBody Body { get; private set; }
        public IReadOnlyDictionary<string, string[]> Headers { get { return new Dictionary<string, string[]>(); } }
        public int StatusCode { get; private set; }
        public string StatusReason { get { return ""; } }
    }

    /// A validated token: only its claims are known.
    public sealed class MockJwt : Jwt
    {
        readonly Dictionary<string, string[]> claims = new Dictionary<string, string[]>();

        /// Claims as name, value pairs; a name given twice becomes a multi-valued claim.
        public MockJwt(params string[] pairs)
        {
            for (var i = 0; i + 1 < pairs.Length; i += 2)
            {
                string[] old;
                claims[pairs[i]] = claims.TryGetValue(pairs[i], out old) ? AppendTo(old, pairs[i + 1]) : new[] { pairs[i + 1] };
            }
        }

        static string[] AppendTo(string[] values, string value)
        {
            var list = new List<string>(values);
            list.Add(value);
            return list.ToArray();
        }

        public IReadOnlyDictionary<string, string[]> Claims { get { return claims; } }
        public string Id { get { throw Missing.Member("Jwt.Id"); } }
        public string Algorithm { get { throw Missing.Member("Jwt.Algorithm"); } }
        public string Issuer { get { throw Missing.Member("Jwt.Issuer"); } }
        public string Subject { get { throw Missing.Member("Jwt.Subject"); } }
        public string Type { get { throw Missing.Member("Jwt.Type"); } }
        public IEnumerable<string> Audiences { get { throw Missing.Member("Jwt.Audiences"); } }
        public DateTime? ExpirationTime { get { throw Missing.Member("Jwt.ExpirationTime"); } }
        public DateTime? NotBefore { get { throw Missing.Member("Jwt.NotBefore"); } }
        public DateTime? IssuedAt { get { throw Missing.Member("Jwt.IssuedAt"); } }
    }

    public sealed class MockSubscription : ISubscription
    {
        public MockSubscription(string id) { Id = id; }
        public string Id { get; private set; }
        public DateTime CreatedDate { get { throw Missing.Member("Subscription.CreatedDate"); } }
        public DateTime? EndDate { get { throw Missing.Member("Subscription.EndDate"); } }
        public string Key { get { throw Missing.Member("Subscription.Key"); } }
        public string Name { get { throw Missing.Member("Subscription.Name"); } }
        public string PrimaryKey { get { throw Missing.Member("Subscription.PrimaryKey"); } }
        public string SecondaryKey { get { throw Missing.Member("Subscription.SecondaryKey"); } }
        public DateTime? StartDate { get { throw Missing.Member("Subscription.StartDate"); } }
    }

    /// A URL of which only the query is known; names keep the case they were sent in.
    public sealed class MockUrl : IUrl
    {
        readonly Dictionary<string, string[]> query;
        public MockUrl(Dictionary<string, string[]> query) { this.query = query; }
        public IReadOnlyDictionary<string, string[]> Query { get { return query; } }
        public string Host { get { throw Missing.Member("Url.Host"); } }
        public string Path { get { throw Missing.Member("Url.Path"); } }
        public int Port { get { throw Missing.Member("Url.Port"); } }
        public string QueryString { get { throw Missing.Member("Url.QueryString"); } }
        public string Scheme { get { throw Missing.Member("Url.Scheme"); } }
    }

    public sealed class MockRequest : IRequest
    {
        internal readonly Dictionary<string, string[]> headers = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        internal readonly Dictionary<string, string[]> query = new Dictionary<string, string[]>();
        internal string ipAddress = "192.0.2.1";

        public IReadOnlyDictionary<string, string[]> Headers { get { return headers; } }
        public string IpAddress { get { return ipAddress; } }
        public IMessageBody Body { get { throw Missing.Member("Request.Body"); } }
        public X509Certificate2 Certificate { get { throw Missing.Member("Request.Certificate"); } }
        public IReadOnlyDictionary<string, string> MatchedParameters { get { throw Missing.Member("Request.MatchedParameters"); } }
        public string Method { get { throw Missing.Member("Request.Method"); } }
        public IUrl OriginalUrl { get { return new MockUrl(query); } }
        public IUrl Url { get { throw Missing.Member("Request.Url"); } }
    }

    /// A request in flight; the setters return the context so a case reads as one line.
    public sealed class MockContext : IProxyRequestContext
    {
        readonly MockRequest request = new MockRequest();
        readonly Dictionary<string, object> variables = new Dictionary<string, object>();
        ISubscription subscription;

        public MockContext Header(string name, string value) { request.headers[name] = new[] { value }; return this; }
        public MockContext Ip(string address) { request.ipAddress = address; return this; }
        public MockContext Query(string name, params string[] values) { request.query[name] = values; return this; }
        public MockContext WithSubscription(string id) { subscription = new MockSubscription(id); return this; }
        public MockContext Variable(string name, object value) { variables[name] = value; return this; }

        public IRequest Request { get { return request; } }
        public ISubscription Subscription { get { return subscription; } }
        public IReadOnlyDictionary<string, object> Variables { get { return variables; } }
        public IContextApi Api { get { throw Missing.Member("context.Api"); } }
        public IDeployment Deployment { get { throw Missing.Member("context.Deployment"); } }
        public TimeSpan Elapsed { get { throw Missing.Member("context.Elapsed"); } }
        public ILastError LastError { get { throw Missing.Member("context.LastError"); } }
        public IOperation Operation { get { throw Missing.Member("context.Operation"); } }
        public IProduct Product { get { throw Missing.Member("context.Product"); } }
        public Guid RequestId { get { throw Missing.Member("context.RequestId"); } }
        public IResponse Response { get { throw Missing.Member("context.Response"); } }
        public DateTime Timestamp { get { throw Missing.Member("context.Timestamp"); } }
        public bool Tracing { get { return false; } }
        public IUser User { get { throw Missing.Member("context.User"); } }
        public void Trace(string message) { }
    }

    /// One request going through a policy's expressions in the order the gateway meets them.
    /// A step's value is stored under `storeAs` as `set-variable` would; a step inside a
    /// `choose` runs only when the step named `onlyIf` returned true; once a condition that
    /// returns a response holds (`endsWhenTrue`), or an expression throws, the request is
    /// over and later steps are skipped. Each step prints one line for the Swift side:
    /// `label/step<TAB>ok<TAB>value`, `null`, `throws<TAB>Type: message` or `skipped`.
    public sealed class Scenario
    {
        readonly string label;
        readonly MockContext context;
        readonly HashSet<string> held = new HashSet<string>();
        bool over;

        public Scenario(string label, MockContext context) { this.label = label; this.context = context; }

        public Scenario Step(
            string name, Func<IProxyRequestContext, object> expression, string storeAs, string onlyIf, bool endsWhenTrue)
        {
            if (over || (onlyIf != null && !held.Contains(onlyIf)))
            {
                Print(name, "skipped\t");
                return this;
            }
            object value;
            try
            {
                value = expression(context);
            }
            catch (Exception error)
            {
                over = true;
                Print(name, "throws\t" + error.GetType().Name + ": " + Escape(error.Message));
                return this;
            }
            if (storeAs != null) context.Variable(storeAs, value);
            if (value is bool && (bool)value)
            {
                held.Add(name);
                if (endsWhenTrue) over = true;
            }
            if (value == null) Print(name, "null\t");
            else if (value is bool) Print(name, "ok\t" + ((bool)value ? "true" : "false"));
            else Print(name, "ok\t" + Escape(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)));
            return this;
        }

        void Print(string step, string outcome) { Console.WriteLine(label + "/" + step + "\t" + outcome); }

        static string Escape(string text)
        {
            return text.Replace("\\", "\\\\").Replace("\n", "\\n").Replace("\r", "\\r").Replace("\t", "\\t");
        }
    }
}
