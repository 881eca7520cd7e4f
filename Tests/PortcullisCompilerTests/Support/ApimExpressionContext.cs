// What a policy expression can see in Azure API Management, as interfaces for compiling
// generated expressions with mcs (PolicyExpressionTests). The members and their types
// follow APIM's policy expression reference and the Azure policy toolkit's interfaces;
// only the shapes matter here, nothing is implemented. An expression that uses a member
// missing here fails to compile, which is the point: add a member only when APIM has it.
using System;
using System.Collections.Generic;
using System.Security.Cryptography.X509Certificates;

namespace Apim.Expressions
{
    /// The implicit `context` of every expression.
    public interface IProxyRequestContext
    {
        IContextApi Api { get; }
        IDeployment Deployment { get; }
        TimeSpan Elapsed { get; }
        ILastError LastError { get; }
        IOperation Operation { get; }
        IProduct Product { get; }
        IRequest Request { get; }
        Guid RequestId { get; }
        IResponse Response { get; }
        ISubscription Subscription { get; }
        DateTime Timestamp { get; }
        bool Tracing { get; }
        IUser User { get; }
        IReadOnlyDictionary<string, object> Variables { get; }
        void Trace(string message);
    }

    public interface IRequest
    {
        IMessageBody Body { get; }
        X509Certificate2 Certificate { get; }
        IReadOnlyDictionary<string, string[]> Headers { get; }
        string IpAddress { get; }
        IReadOnlyDictionary<string, string> MatchedParameters { get; }
        string Method { get; }
        IUrl OriginalUrl { get; }
        IUrl Url { get; }
    }

    public interface IResponse
    {
        IMessageBody Body { get; }
        IReadOnlyDictionary<string, string[]> Headers { get; }
        int StatusCode { get; }
        string StatusReason { get; }
    }

    public interface IMessageBody
    {
        T As<T>(bool preserveContent = false);
        IDictionary<string, IList<string>> AsFormUrlEncodedContent(bool preserveContent = false);
    }

    public interface IUrl
    {
        string Host { get; }
        string Path { get; }
        int Port { get; }
        IReadOnlyDictionary<string, string[]> Query { get; }
        string QueryString { get; }
        string Scheme { get; }
    }

    public interface IApi
    {
        string Id { get; }
        string Name { get; }
        string Path { get; }
        IEnumerable<string> Protocols { get; }
        IUrl ServiceUrl { get; }
        ISubscriptionKeyParameterNames SubscriptionKeyParameterNames { get; }
    }

    public interface IContextApi : IApi
    {
        bool IsCurrentRevision { get; }
        string Revision { get; }
        string Version { get; }
    }

    public interface ISubscriptionKeyParameterNames
    {
        string Header { get; }
        string Query { get; }
    }

    public interface IDeployment
    {
        string GatewayId { get; }
        string Region { get; }
        string ServiceId { get; }
        string ServiceName { get; }
        IReadOnlyDictionary<string, X509Certificate2> Certificates { get; }
    }

    public interface ILastError
    {
        string Source { get; }
        string Reason { get; }
        string Message { get; }
        string Scope { get; }
        string Section { get; }
        string Path { get; }
        string PolicyId { get; }
    }

    public interface IOperation
    {
        string Id { get; }
        string Method { get; }
        string Name { get; }
        string UrlTemplate { get; }
    }

    public enum ProductState { NotPublished, Published }

    public interface IProduct
    {
        IEnumerable<IApi> Apis { get; }
        bool ApprovalRequired { get; }
        IEnumerable<IGroup> Groups { get; }
        string Id { get; }
        string Name { get; }
        ProductState State { get; }
        int? SubscriptionLimit { get; }
        bool SubscriptionRequired { get; }
    }

    public interface ISubscription
    {
        DateTime CreatedDate { get; }
        DateTime? EndDate { get; }
        string Id { get; }
        string Key { get; }
        string Name { get; }
        string PrimaryKey { get; }
        string SecondaryKey { get; }
        DateTime? StartDate { get; }
    }

    public interface IUser
    {
        string Email { get; }
        string FirstName { get; }
        IEnumerable<IGroup> Groups { get; }
        string Id { get; }
        IEnumerable<IUserIdentity> Identities { get; }
        string LastName { get; }
        string Note { get; }
        DateTime RegistrationDate { get; }
    }

    public interface IGroup
    {
        string Id { get; }
        string Name { get; }
    }

    public interface IUserIdentity
    {
        string Id { get; }
        string Provider { get; }
    }

    /// A token as `validate-jwt` keeps it (`output-token-variable-name`) or `AsJwt()` reads it.
    public interface Jwt
    {
        string Id { get; }
        string Algorithm { get; }
        string Issuer { get; }
        string Subject { get; }
        string Type { get; }
        IEnumerable<string> Audiences { get; }
        IReadOnlyDictionary<string, string[]> Claims { get; }
        DateTime? ExpirationTime { get; }
        DateTime? NotBefore { get; }
        DateTime? IssuedAt { get; }
    }

    public interface BasicAuthCredentials
    {
        string UserId { get; }
        string Password { get; }
    }

    /// APIM's helpers on headers, claims, query parameters and variables. Multi-valued
    /// entries read as their values joined with commas, as APIM documents.
    public static class ExpressionExtensions
    {
        public static string GetValueOrDefault(this IReadOnlyDictionary<string, string[]> values, string name, string defaultValue)
        {
            string[] found;
            return values.TryGetValue(name, out found) ? string.Join(",", found) : defaultValue;
        }

        public static string GetValueOrDefault(this IReadOnlyDictionary<string, string[]> values, string name)
        {
            return values.GetValueOrDefault(name, (string)null);
        }

        /// A variable of another type throws, as APIM documents (a policy then ends in
        /// on-error), so an expression that would fail at the gateway fails here too.
        public static T GetValueOrDefault<T>(this IReadOnlyDictionary<string, object> variables, string name, T defaultValue)
        {
            object found;
            if (!variables.TryGetValue(name, out found) || found == null) return defaultValue;
            if (found is T) return (T)found;
            throw new InvalidCastException("variable '" + name + "' is a " + found.GetType().Name + ", not a " + typeof(T).Name);
        }

        public static T GetValueOrDefault<T>(this IReadOnlyDictionary<string, object> variables, string name)
        {
            return variables.GetValueOrDefault(name, default(T));
        }

        /// Parsing is the gateway's business; the harness only compiles calls to these.
        public static Jwt AsJwt(this string value) { throw new NotSupportedException("AsJwt is not mocked"); }
        public static bool TryParseJwt(this string value, out Jwt token) { throw new NotSupportedException("TryParseJwt is not mocked"); }
        public static BasicAuthCredentials AsBasic(this string value) { throw new NotSupportedException("AsBasic is not mocked"); }
        public static bool TryParseBasic(this string value, out BasicAuthCredentials credentials) { throw new NotSupportedException("TryParseBasic is not mocked"); }
    }
}
