/// `manifest.json` of a folder written by `buildtriage collect`: every aws call made, every failure, and whether
/// the collection is complete. `analyze` reads it as an input of its own (kind `collect-manifest`) and says
/// what a partial collection is missing.
public struct CollectManifest: Codable, Hashable, Sendable {
    /// The format marker and version: always `1` for this shape (the member that identifies the file).
    public var buildtriageCollect: Int
    /// What was asked: `batch`, `build`, `pipeline` or `event`, and the ids given.
    public var request: Request
    /// `complete`, `partial` or `failed`.
    public var status: Status
    /// ISO-8601 UTC times of the start and end of the collection.
    public var started: String?
    public var finished: String?
    /// The aws CLI's version line, when known.
    public var awsVersion: String?
    /// Every call, in order.
    public var calls: [Call]
    /// Everything that could not be fetched (one per missing piece).
    public var failures: [Failure]
    /// The files written, relative to the folder.
    public var files: [String]

    public enum Status: String, Codable, Hashable, Sendable {
        case complete, partial, failed
    }

    public struct Request: Codable, Hashable, Sendable {
        public var kind: String
        public var ids: [String]

        public init(kind: String, ids: [String]) {
            self.kind = kind
            self.ids = ids
        }
    }

    /// One operation on one set of ids: all its pages and its own retries are one call.
    public struct Call: Codable, Hashable, Sendable {
        /// The aws CLI command, such as `codebuild batch-get-builds` or `logs get-log-events`.
        public var operation: String
        public var ids: [String]
        /// The last exit status of the aws CLI (0: success); nil when it could not be run.
        public var exitStatus: Int32?
        /// Pages fetched (requests that returned data).
        public var pages: Int
        /// Times the aws CLI was run for this call (pages and retries).
        public var attempts: Int
        /// Bytes of response read.
        public var bytes: Int
        /// Wall time of the whole call, in seconds.
        public var seconds: Double
        /// The file written from it, relative to the folder.
        public var file: String?
        /// The service error code, or the failure, when it failed.
        public var error: String?
        /// Anything else worth knowing (where a log was cut).
        public var note: String?

        public init(
            operation: String, ids: [String], exitStatus: Int32?, pages: Int, attempts: Int, bytes: Int, seconds: Double,
            file: String? = nil, error: String? = nil
        ) {
            self.operation = operation
            self.ids = ids
            self.exitStatus = exitStatus
            self.pages = pages
            self.attempts = attempts
            self.bytes = bytes
            self.seconds = seconds
            self.file = file
            self.error = error
        }
    }

    /// A piece of the run that is missing from the folder, and why.
    public struct Failure: Codable, Hashable, Sendable {
        public var operation: String
        public var ids: [String]
        /// `AccessDeniedException`, `ThrottlingException`, `ResourceNotFoundException`, `notFound` (named in a
        /// `*NotFound` list of the response), `timeout`, `launchFailed`...
        public var code: String
        public var message: String
        /// What is missing because of it, in words (`the log of build p:1`).
        public var missing: String

        public init(operation: String, ids: [String], code: String, message: String, missing: String) {
            self.operation = operation
            self.ids = ids
            self.code = code
            self.message = message
            self.missing = missing
        }
    }

    public init(request: Request) {
        self.buildtriageCollect = 1
        self.request = request
        self.status = .complete
        self.calls = []
        self.failures = []
        self.files = []
    }
}
