/// Compact builders for the JSON inputs of analyzer examples: each example reads as the AWS CLI output it
/// stands for, without pages of boilerplate.
enum Example {
    /// A build group entry of a batch.
    static func group(
        _ id: String, _ status: String, dependsOn: [String] = [], ignoreFailure: Bool = false, build: String? = nil,
        prior: [String] = []
    ) -> String {
        let arn = "arn:aws:codebuild:us-east-1:123456789012:build/proj:\(build ?? id + "-0000-4000-8000-000000000000")"
        let priors = prior.enumerated().map { index, status in
            #"{"arn": "arn:aws:codebuild:us-east-1:123456789012:build/proj:\#(id)-prior\#(index)", "buildStatus": "\#(status)"}"#
        }
        return #"""
            {"identifier": "\#(id)", "dependsOn": [\#(dependsOn.map { "\"\($0)\"" }.joined(separator: ", "))], "ignoreFailure": \#(ignoreFailure),
             "currentBuildSummary": {"arn": "\#(arn)", "buildStatus": "\#(status)"},
             "priorBuildSummaryList": [\#(priors.joined(separator: ", "))]}
            """#
    }

    /// A batch (`retry-build-batch` / `batch-get-build-batches` shape).
    static func batch(_ status: String, phases: [(String, String?, String?)] = [], groups: [String], id: String = "proj:11111111-2222-4333-8444-555555555555") -> String {
        let phaseJSON = phases.map { type, status, context in
            var fields = [#""phaseType": "\#(type)""#]
            if let status { fields.append(#""phaseStatus": "\#(status)""#) }
            if let context { fields.append(#""contexts": [{"statusCode": "\#(status ?? "")", "message": "\#(context)"}]"#) }
            return "{" + fields.joined(separator: ", ") + "}"
        }
        return #"""
            {"buildBatch": {"id": "\#(id)", "buildBatchStatus": "\#(status)", "resolvedSourceVersion": "abc123",
             "phases": [\#(phaseJSON.joined(separator: ", "))],
             "buildGroups": [\#(groups.joined(separator: ",\n"))]}}
            """#
    }

    /// A single build (`batch-get-builds` shape).
    static func build(
        _ status: String, id: String = "proj:aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", phases: [(String, String, String?, String?)]
    ) -> String {
        let phaseJSON = phases.map { type, status, code, message in
            let context = code.map { #", "contexts": [{"statusCode": "\#($0)", "message": "\#(message ?? "")"}]"# } ?? ""
            return #"{"phaseType": "\#(type)", "phaseStatus": "\#(status)"\#(context)}"#
        }
        return #"""
            {"builds": [{"id": "\#(id)", "arn": "arn:aws:codebuild:us-east-1:123456789012:build/\#(id)", "buildStatus": "\#(status)",
             "resolvedSourceVersion": "abc123", "phases": [\#(phaseJSON.joined(separator: ", "))]}]}
            """#
    }

    /// A JUnit report with one suite.
    static func junit(_ cases: [String]) -> String {
        #"<?xml version="1.0"?><testsuite name="suite">\#(cases.joined())</testsuite>"#
    }

    /// A pipeline state with one stage of interest.
    static func pipelineState(stage: String, status: String, execution: String = "3137f7cb-7cf7-4a4b-9b8e-1234567890ab", actions: [String]) -> String {
        #"""
        {"pipelineName": "MyPipeline", "stageStates": [{"stageName": "\#(stage)",
          "latestExecution": {"pipelineExecutionId": "\#(execution)", "status": "\#(status)"},
          "actionStates": [\#(actions.joined(separator: ", "))]}]}
        """#
    }

    /// An action state of a pipeline stage.
    static func action(_ name: String, _ status: String, external: String? = nil, code: String? = nil, message: String? = nil) -> String {
        var fields = [#""status": "\#(status)""#]
        if let external { fields.append(#""externalExecutionId": "\#(external)""#) }
        if code != nil || message != nil {
            fields.append(#""errorDetails": {"code": "\#(code ?? "")", "message": "\#(message ?? "")"}"#)
        }
        return #"{"actionName": "\#(name)", "latestExecution": {\#(fields.joined(separator: ", "))}}"#
    }
}
